#include "harnessoptions.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace Portal::AvrHarness {

namespace {

Error invalid(const std::string &message)
{
    return makeError("options.invalid", message);
}

bool parseUnsigned(std::string_view text, uint64_t maximum, uint32_t &value)
{
    uint64_t parsed = 0;
    const char *end = text.data() + text.size();
    const auto [next, error] = std::from_chars(text.data(), end, parsed);
    if (text.empty() || error != std::errc() || next != end || parsed > maximum)
        return false;
    value = uint32_t(parsed);
    return true;
}

bool parseDouble(const std::string &text, double minimum, double maximum, double &value)
{
    char *end = nullptr;
    const double parsed = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(parsed) ||
        parsed < minimum || parsed > maximum)
        return false;
    value = parsed;
    return true;
}

bool parseDeviceId(const std::string &text, std::array<uint8_t, 8> &id)
{
    if (text.size() != 16)
        return false;
    for (size_t i = 0; i < id.size(); ++i) {
        uint32_t byte = 0;
        const auto [next, error] =
            std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, byte, 16);
        if (error != std::errc() || next != text.data() + 2 * i + 2)
            return false;
        id[i] = uint8_t(byte);
    }
    return true;
}

} // namespace

std::string harnessUsage()
{
    return "Usage: simavr-harness --firmware ELF [options]\n"
           "Runs an AVR image in libsimavr with its USART0 on a pseudo-terminal, its EEPROM in a\n"
           "file, ADC0 driven from stdin and PB7 (the LED) reported on stdout.\n"
           "\n"
           "Options:\n"
           "  --firmware ELF      the image (avr-g++ ELF)\n"
           "  --mcu NAME          simavr core (default atmega2560)\n"
           "  --frequency HZ      CPU clock (default 16000000)\n"
           "  --eeprom FILE       EEPROM contents: loaded at start (missing: erased), written\n"
           "                      back (atomically) whenever the firmware changed it\n"
           "  --device-id HEX16   factory id for a blank EEPROM (bytes 0xFF8..0xFFF)\n"
           "  --pty-file F        write the pty path to F once it is ready\n"
           "  --pty-link L        make L a symlink to the pty (replaced atomically; removed\n"
           "                      on a clean exit): one stable port name across restarts\n"
           "  --uart-stdout       copy USART0 output to stdout instead of a pty\n"
           "  --adc0-mv N         ADC0 input in millivolts (default 750: 25 °C on a TMP36)\n"
           "  --speed X           simulated time may run X times faster than real time (1)\n"
           "  --max-seconds S     stop after S simulated seconds\n"
           "\n"
           "stdin: `adc0 <millivolts>` lines. stdout: `uart0 <pty>`, `led <0|1> cycle=<n>`,\n"
           "`exit <reason> cycles=<n>`. SIGTERM saves the EEPROM and exits 0; the image\n"
           "stopping (SLEEP with interrupts off) exits 0; a crash exits 3.\n";
}

Result<HarnessOptions> parseHarnessOptions(int argc, const char *const *argv)
{
    HarnessOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string name = argv[i];
        std::string value;
        const bool flag = name == "--uart-stdout" || name == "--help" || name == "-h";
        if (!flag) {
            const size_t equals = name.find('=');
            if (equals != std::string::npos) {
                value = name.substr(equals + 1);
                name.resize(equals);
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return invalid(name + " needs a value");
            }
        }
        if (name == "--help" || name == "-h") {
            options.help = true;
        } else if (name == "--uart-stdout") {
            options.uartToStdout = true;
        } else if (name == "--firmware") {
            options.firmwarePath = value;
        } else if (name == "--mcu") {
            options.mcu = value;
        } else if (name == "--frequency") {
            if (!parseUnsigned(value, 32000000, options.frequencyHz) || options.frequencyHz < 1000)
                return invalid("--frequency must be 1000..32000000");
        } else if (name == "--eeprom") {
            options.eepromPath = value;
        } else if (name == "--device-id") {
            std::array<uint8_t, 8> id{};
            if (!parseDeviceId(value, id))
                return invalid("--device-id must be 16 hex digits");
            options.deviceId = id;
        } else if (name == "--pty-file") {
            options.ptyFile = value;
        } else if (name == "--pty-link") {
            options.ptyLink = value;
        } else if (name == "--adc0-mv") {
            if (!parseUnsigned(value, 5000, options.adc0Millivolts))
                return invalid("--adc0-mv must be 0..5000");
        } else if (name == "--speed") {
            if (!parseDouble(value, 0.01, 1000.0, options.speed))
                return invalid("--speed must be 0.01..1000");
        } else if (name == "--max-seconds") {
            if (!parseDouble(value, 0.0, 1e6, options.maxSeconds))
                return invalid("--max-seconds must be 0..1000000");
        } else {
            return invalid("unknown option " + name);
        }
    }
    if (!options.help && options.firmwarePath.empty())
        return invalid("--firmware is required");
    if (options.uartToStdout && (!options.ptyFile.empty() || !options.ptyLink.empty()))
        return invalid("--uart-stdout excludes --pty-file and --pty-link");
    return options;
}

} // namespace Portal::AvrHarness
