#pragma once
// Command line of sensor-node-sim (no Qt: a small parser of its own).
//
//   sensor-node-sim [serve] --state FILE [--listen ADDR] [--port N] [--port-file F]
//                   [--device-id HEX16] [--vendor V --type T --subscriber S] [--pan-id N]
//                   [--channel N] [--interval-ms N] [--resend-ms N] [--hello-ms N]
//                   [--sensor-base CELSIUS]
//   sensor-node-sim init --state FILE [--device-id HEX16] [--vendor V] [--type T]
//                   [--subscriber S] [--pan-id N] [--channel N] [--interval-ms N]
//   sensor-node-sim pubkey --state FILE
//   sensor-node-sim --help | --version
//
// Options take their value as the next argument or after '='. Errors: `options.*`, meant for
// exit code 2.

#include <portal-core/base/result.h>
#include <portal-core/protocol/messages.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace Portal::SensorNodeSim {

enum class SimCommand { Serve, Init, PublicKey, Help, Version };

struct SimOptions
{
    SimCommand command = SimCommand::Serve;
    std::string statePath;
    std::string listenAddress = "127.0.0.1";
    uint16_t port = 0;
    std::string portFile;
    std::optional<std::array<uint8_t, Protocol::kDeviceIdBytes>> deviceId;
    std::optional<std::string> vendor;
    std::optional<std::string> type;
    std::optional<std::string> subscriber;
    // The portal's device-authority key (04 ‖ x ‖ y), for init and serve's provisioning.
    std::optional<std::array<uint8_t, Protocol::kPublicKeyBytes>> authorityKey;
    uint16_t panId = 0x3332; // XBee's factory PAN id
    uint8_t channel = 12;
    std::optional<uint32_t> intervalMs; // serve: overrides the configured interval
    uint32_t resendMs = 2000;
    uint32_t helloMs = 3000;
    int32_t sensorBaseCentiCelsius = 2150;
};

Result<SimOptions> parseSimOptions(int argc, const char *const *argv);
std::string simUsage();

} // namespace Portal::SensorNodeSim
