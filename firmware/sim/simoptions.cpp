#include "simoptions.h"

#include "textcodec.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace Portal::SensorNodeSim {

namespace {

Error usageError(const std::string &message)
{
    return makeError("options.invalid", message);
}

template<typename Integer>
bool parseUnsigned(std::string_view text, uint64_t minimum, uint64_t maximum, Integer &value)
{
    uint64_t parsed = 0;
    const char *end = text.data() + text.size();
    const auto [next, error] = std::from_chars(text.data(), end, parsed);
    if (text.empty() || error != std::errc() || next != end || parsed < minimum || parsed > maximum)
        return false;
    value = Integer(parsed);
    return true;
}

bool parseCelsius(const std::string &text, int32_t &centiCelsius)
{
    char *end = nullptr;
    const double celsius = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(celsius) ||
        celsius < -200.0 || celsius > 1000.0)
        return false;
    centiCelsius = int32_t(std::lround(celsius * 100.0));
    return true;
}

} // namespace

std::string simUsage()
{
    return "Usage: sensor-node-sim [serve|init|pubkey] --state FILE [options]\n"
           "Simulated sensor node: the device firmware's application on the host, its UART a\n"
           "TCP server that one gateway (or provisioning wizard) connects to at a time.\n"
           "\n"
           "Commands:\n"
           "  serve (default)     run the device; a fresh state is a factory device awaiting\n"
           "                      provisioning, unless --vendor/--type/--subscriber provision it\n"
           "  init                provision a fresh state without a wizard (key from the\n"
           "                      device DRBG over system entropy), lock it, print the public\n"
           "                      key (base64 of the 65-byte point)\n"
           "  pubkey              print the public key of a provisioned state\n"
           "\n"
           "Options:\n"
           "  --state FILE        device state (0600 key=value file; created when missing)\n"
           "  --listen ADDR       address to listen on (default 127.0.0.1)\n"
           "  --port N            TCP port (default 0: any free port)\n"
           "  --port-file F       write the bound port to F\n"
           "  --device-id HEX16   device id for a fresh state (default random)\n"
           "  --vendor V, --type T, --subscriber S   class attributes (≤ 24 bytes each)\n"
           "  --authority-key B64 the portal's device-authority key (base64 of the 65-byte\n"
           "                      point; `iot-portald pki authority-key` prints it); needed\n"
           "                      to provision without a wizard\n"
           "  --pan-id N          802.15.4 PAN id to configure (default 13106)\n"
           "  --channel N         802.15.4 channel 11..26 (default 12)\n"
           "  --interval-ms N     reporting interval (init: rounded up to seconds, default\n"
           "                      60 s; serve: overrides the configured interval)\n"
           "  --resend-ms N       resend period of unacknowledged readings (default 2000)\n"
           "  --hello-ms N        HELLO period until attached (default 3000)\n"
           "  --sensor-base C     simulated temperature in °C (default 21.5)\n"
           "  --help, --version\n"
           "\n"
           "Exit codes: 0 success, 1 runtime failure, 2 usage error.\n";
}

Result<SimOptions> parseSimOptions(int argc, const char *const *argv)
{
    SimOptions options;
    int index = 1;
    if (index < argc && argv[index][0] != '-') {
        const std::string_view command = argv[index++];
        if (command == "serve")
            options.command = SimCommand::Serve;
        else if (command == "init")
            options.command = SimCommand::Init;
        else if (command == "pubkey")
            options.command = SimCommand::PublicKey;
        else
            return usageError("unknown command: " + std::string(command));
    }
    const SimCommand command = options.command;

    for (; index < argc; ++index) {
        std::string_view argument = argv[index];
        if (argument == "--help" || argument == "-h") {
            options.command = SimCommand::Help;
            return options;
        }
        if (argument == "--version") {
            options.command = SimCommand::Version;
            return options;
        }
        if (argument.substr(0, 2) != "--")
            return usageError("unexpected argument: " + std::string(argument));
        std::string name(argument.substr(2));
        std::string value;
        const size_t equals = name.find('=');
        const bool inlineValue = equals != std::string::npos;
        if (inlineValue) {
            value = name.substr(equals + 1);
            name.resize(equals);
        }
        static const char *const knownOptions[] = {
            "state",       "listen",    "port",       "port-file",   "device-id",
            "vendor",      "type",      "subscriber", "pan-id",      "channel",
            "interval-ms", "resend-ms", "hello-ms",   "sensor-base", "authority-key"};
        bool known = false;
        for (const char *option : knownOptions)
            known = known || name == option;
        if (!known)
            return usageError("unknown option --" + name);
        if (!inlineValue) {
            if (index + 1 >= argc)
                return usageError("--" + name + " needs a value");
            value = argv[++index];
        }

        const bool serveOnly = name == "listen" || name == "port" || name == "port-file" ||
                               name == "resend-ms" || name == "hello-ms" || name == "sensor-base";
        const bool provisioning = name == "device-id" || name == "vendor" || name == "type" ||
                                  name == "subscriber" || name == "pan-id" || name == "channel" ||
                                  name == "interval-ms" || name == "authority-key";
        if ((serveOnly && command != SimCommand::Serve) ||
            (provisioning && command == SimCommand::PublicKey))
            return usageError("--" + name + " does not apply to this command");

        bool valid = true;
        if (name == "state") {
            options.statePath = value;
            valid = !value.empty();
        } else if (name == "listen") {
            options.listenAddress = value;
        } else if (name == "port") {
            valid = parseUnsigned(value, 0, 65535, options.port);
        } else if (name == "port-file") {
            options.portFile = value;
        } else if (name == "device-id") {
            const auto bytes = fromHex(value, Protocol::kDeviceIdBytes);
            valid = bytes.has_value();
            if (valid) {
                options.deviceId.emplace();
                std::memcpy(options.deviceId->data(), bytes->data(), bytes->size());
            }
        } else if (name == "vendor" || name == "type" || name == "subscriber") {
            valid = value.size() <= Protocol::kMaxClassAttributeBytes;
            (name == "vendor" ? options.vendor
             : name == "type" ? options.type
                              : options.subscriber) = value;
        } else if (name == "authority-key") {
            const auto bytes = fromBase64(value);
            valid = bytes && bytes->size() == Protocol::kPublicKeyBytes && (*bytes)[0] == 0x04;
            if (valid) {
                options.authorityKey.emplace();
                std::memcpy(options.authorityKey->data(), bytes->data(), bytes->size());
            }
        } else if (name == "pan-id") {
            valid = parseUnsigned(value, 0, 0xffff, options.panId);
        } else if (name == "channel") {
            valid =
                parseUnsigned(value, Protocol::kMinChannel, Protocol::kMaxChannel, options.channel);
        } else if (name == "interval-ms") {
            uint32_t intervalMs = 0;
            valid = parseUnsigned(value, 1, uint64_t(Protocol::kMaxReportingIntervalS) * 1000,
                                  intervalMs);
            options.intervalMs = intervalMs;
        } else if (name == "resend-ms") {
            valid = parseUnsigned(value, 1, 3600000, options.resendMs);
        } else if (name == "hello-ms") {
            valid = parseUnsigned(value, 1, 3600000, options.helloMs);
        } else if (name == "sensor-base") {
            valid = parseCelsius(value, options.sensorBaseCentiCelsius);
        } else {
            return usageError("unknown option --" + name);
        }
        if (!valid)
            return usageError("invalid value for --" + name);
    }
    if (options.statePath.empty())
        return usageError("--state FILE is required");
    return options;
}

} // namespace Portal::SensorNodeSim
