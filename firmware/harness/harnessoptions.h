#pragma once
// Command line of simavr-harness (no Qt):
//
//   simavr-harness --firmware ELF [--mcu NAME] [--frequency HZ] [--eeprom FILE]
//                  [--device-id HEX16] [--pty-file F] [--pty-link L | --uart-stdout]
//                  [--adc0-mv N]
//                  [--speed X] [--max-seconds S]
//   simavr-harness --help
//
// Errors: `options.invalid`, meant for exit code 2.

#include <portal-core/base/result.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace Portal::AvrHarness {

struct HarnessOptions
{
    std::string firmwarePath;
    std::string mcu = "atmega2560";
    uint32_t frequencyHz = 16000000;
    std::string eepromPath;                         // empty: EEPROM starts erased and is not kept
    std::optional<std::array<uint8_t, 8>> deviceId; // written to 0xFF8.. when that is blank
    std::string ptyFile;                            // gets the pty's path once it exists
    std::string ptyLink;       // a symlink to the pty: one stable port name, like /dev/serial/by-id
    bool uartToStdout = false; // UART0 output copied to stdout (the bench image's table)
    uint32_t adc0Millivolts = 750; // 25 °C on a TMP36
    // How much faster than real time the simulated clock may run (1: real time). The harness
    // never runs ahead of wall time × speed; when the simulation is slower it simply lags.
    double speed = 1.0;
    double maxSeconds = 0; // simulated seconds before the run stops (0: no limit)
    bool help = false;
};

Result<HarnessOptions> parseHarnessOptions(int argc, const char *const *argv);
std::string harnessUsage();

} // namespace Portal::AvrHarness
