#include "sensornodesim.h"

#include "simboard.h"
#include "statefile.h"
#include "textcodec.h"

#include <firmware/app/sensornodeapp.h>
#include <firmware/crypto/bytes.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PORTAL_VERSION
#define PORTAL_VERSION "0.0.0"
#endif

namespace Portal::SensorNodeSim {

namespace {

volatile std::sig_atomic_t g_stopRequested = 0;

void requestStop(int)
{
    g_stopRequested = 1;
}

void installStopHandlers()
{
    struct sigaction action = {};
    action.sa_handler = requestStop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: poll() returns EINTR and the loop sees the flag
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

void log(const std::string &line)
{
    std::fprintf(stderr, "sensor-node-sim: %s\n", line.c_str());
}

constexpr uint32_t kInitDefaultIntervalS = 60;
constexpr int kPollPeriodMs = 10;

// Everything the app needs, alive as long as it.
struct Device
{
    Device(const SimOptions &options, const std::string &statePath)
        : store(statePath), thermometer(options.sensorBaseCentiCelsius),
          app(link, clock, store, entropy, thermometer, led, settingsFrom(options))
    {
    }

    static SensorNode::SensorNodeSettings settingsFrom(const SimOptions &options)
    {
        SensorNode::SensorNodeSettings settings =
            SensorNode::defaultSettings(PORTAL_VERSION, "host-sim");
        settings.helloIntervalMs = options.helloMs;
        settings.resendIntervalMs = options.resendMs;
        settings.reportingIntervalMsOverride = options.intervalMs.value_or(0);
        return settings;
    }

    TcpLink link;
    MonotonicClock clock;
    StateFileStore store;
    SystemEntropy entropy;
    SimulatedThermometer thermometer;
    SimulatedLed led;
    SensorNode::SensorNodeApp app;
};

std::string publicKeyBase64(const uint8_t point[64])
{
    uint8_t uncompressed[Protocol::kPublicKeyBytes];
    uncompressed[0] = 0x04;
    std::memcpy(uncompressed + 1, point, 64);
    return toBase64(uncompressed, sizeof uncompressed);
}

// configure → generate key (device entropy ‖ host entropy, both from the system here) → lock.
Result<void> provision(Device &device, const SimOptions &options)
{
    SensorNode::DeviceConfig config = {};
    config.panId = options.panId;
    config.channel = options.channel;
    const auto assign = [](Protocol::ClassAttributeText &target,
                           const std::optional<std::string> &text) {
        const std::string value = text.value_or(std::string());
        return target.assign(value.data(), value.size());
    };
    if (!assign(config.classAttributes.vendor, options.vendor) ||
        !assign(config.classAttributes.type, options.type) ||
        !assign(config.classAttributes.subscriber, options.subscriber))
        return makeError("provision.invalid", "class attribute longer than 24 bytes");
    config.reportingIntervalS =
        options.intervalMs ? (*options.intervalMs + 999) / 1000 : kInitDefaultIntervalS;

    if (!options.authorityKey)
        return makeError("provision.invalid",
                         "--authority-key is required (iot-portald pki authority-key prints it)");
    const SensorNode::ProvisioningOutcome configured =
        device.app.configure(config, options.authorityKey->data() + 1);
    if (!configured.ok)
        return makeError("provision.failed",
                         configured.error == Protocol::ErrorCode::InvalidArgument
                             ? "the authority key is not a point on P-256"
                             : "storing the configuration failed");
    uint8_t hostEntropy[Protocol::kHostEntropyBytes];
    if (!device.entropy.fill(hostEntropy, sizeof hostEntropy))
        return makeError("provision.failed", "no system entropy");
    uint8_t publicKey[Protocol::kPublicKeyBytes];
    const SensorNode::ProvisioningOutcome generated =
        device.app.generateKey(hostEntropy, publicKey);
    FirmwareCrypto::wipeSecret(hostEntropy, sizeof hostEntropy);
    if (!generated.ok)
        return makeError("provision.failed", "key generation failed");
    if (!device.app.lock(device.app.record().deviceId).ok)
        return makeError("provision.failed", "locking failed");
    return {};
}

std::array<uint8_t, Protocol::kDeviceIdBytes> freshDeviceId(const SimOptions &options,
                                                            SystemEntropy &entropy)
{
    if (options.deviceId)
        return *options.deviceId;
    std::array<uint8_t, Protocol::kDeviceIdBytes> id{};
    if (!entropy.fill(id.data(), id.size()))
        id.fill(0);
    return id;
}

Result<int> listenOn(const std::string &address, uint16_t port)
{
    addrinfo hints = {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo *found = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(address.c_str(), service.c_str(), &hints, &found) != 0 || !found)
        return makeError("listen.bad_address", "not a numeric address: " + address);
    const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
    int reuse = 1;
    const bool ok = fd >= 0 &&
                    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse) == 0 &&
                    ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, 1) == 0;
    const int savedErrno = errno;
    ::freeaddrinfo(found);
    if (!ok) {
        if (fd >= 0)
            ::close(fd);
        return makeError("listen.failed", "cannot listen on " + address + ":" + service + ": " +
                                              strerror(savedErrno));
    }
    return fd;
}

uint16_t boundPort(int fd)
{
    sockaddr_storage address = {};
    socklen_t size = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &size) != 0)
        return 0;
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 *>(&address)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in *>(&address)->sin_port);
}

bool writePortFile(const std::string &path, uint16_t port)
{
    const std::string temporary = path + ".tmp";
    FILE *file = std::fopen(temporary.c_str(), "w");
    if (!file)
        return false;
    const bool written = std::fprintf(file, "%u\n", unsigned(port)) > 0;
    if (std::fclose(file) != 0 || !written)
        return false;
    return std::rename(temporary.c_str(), path.c_str()) == 0;
}

void logStats(const SensorNode::SensorNodeApp &app)
{
    const SensorNode::SensorNodeStats &stats = app.stats();
    const Protocol::FrameDropCounters &drops = app.frameDrops();
    const uint32_t dropped =
        drops.oversize + drops.badCobs + drops.badCrc + drops.badVersion + drops.tooShort;
    log("frames " + std::to_string(stats.framesHandled) + " handled, " + std::to_string(dropped) +
        " dropped; readings " + std::to_string(stats.readingsCreated) + " created, " +
        std::to_string(stats.readingsAcked) + " acked, " + std::to_string(stats.readingsResent) +
        " resent, " + std::to_string(stats.readingsDropped) + " dropped; next counter " +
        std::to_string(app.nextCounter()));
}

} // namespace

int SensorNodeSimProgram::run()
{
    switch (m_options.command) {
    case SimCommand::Help:
        std::fputs(simUsage().c_str(), stdout);
        return ExitSuccess;
    case SimCommand::Version:
        std::printf("sensor-node-sim %s\n", PORTAL_VERSION);
        return ExitSuccess;
    case SimCommand::Init:
        return init();
    case SimCommand::PublicKey:
        return printPublicKey();
    case SimCommand::Serve:
        break;
    }
    return serve();
}

int SensorNodeSimProgram::printPublicKey()
{
    Result<SensorNode::DeviceRecord> record = loadStateFile(m_options.statePath);
    if (!record) {
        log(record.error().message);
        return ExitFailure;
    }
    FirmwareCrypto::wipeSecret(record->privateKey, sizeof record->privateKey);
    if (!record->hasKey) {
        log("the device has no key yet");
        return ExitFailure;
    }
    std::printf("%s\n", publicKeyBase64(record->publicKey).c_str());
    return ExitSuccess;
}

int SensorNodeSimProgram::init()
{
    if (::access(m_options.statePath.c_str(), F_OK) == 0) {
        log("state file already exists, not overwriting it: " + m_options.statePath);
        return ExitFailure;
    }
    Device device(m_options, m_options.statePath);
    const auto deviceId = freshDeviceId(m_options, device.entropy);
    if (!device.app.begin(deviceId.data()))
        return ExitFailure;
    const Result<void> provisioned = provision(device, m_options);
    if (!provisioned) {
        log(provisioned.error().message);
        return ExitFailure;
    }
    log("provisioned device " + toHex(deviceId.data(), deviceId.size()));
    std::printf("%s\n", publicKeyBase64(device.app.record().publicKey).c_str());
    return ExitSuccess;
}

int SensorNodeSimProgram::serve()
{
    const std::string &statePath = m_options.statePath;
    Result<SensorNode::DeviceRecord> existing = loadStateFile(statePath);
    const bool fresh = !existing && existing.error().code == "state.missing";
    if (!existing && !fresh) {
        log(existing.error().message);
        return ExitFailure;
    }

    installStopHandlers();
    Device device(m_options, statePath);
    auto deviceId = freshDeviceId(m_options, device.entropy);
    if (existing) {
        std::memcpy(deviceId.data(), existing->deviceId, deviceId.size());
        FirmwareCrypto::wipeSecret(existing->privateKey, sizeof existing->privateKey);
    }
    if (!device.app.begin(deviceId.data()))
        return ExitFailure;
    if (fresh && (m_options.vendor || m_options.type || m_options.subscriber)) {
        const Result<void> provisioned = provision(device, m_options);
        if (!provisioned) {
            log(provisioned.error().message);
            return ExitFailure;
        }
        std::printf("%s\n", publicKeyBase64(device.app.record().publicKey).c_str());
        std::fflush(stdout);
    }

    Result<int> listener = listenOn(m_options.listenAddress, m_options.port);
    if (!listener) {
        log(listener.error().message);
        return ExitFailure;
    }
    const int listenFd = *listener;
    const uint16_t port = boundPort(listenFd);
    if (!m_options.portFile.empty() && !writePortFile(m_options.portFile, port)) {
        log("cannot write port file " + m_options.portFile);
        ::close(listenFd);
        return ExitFailure;
    }
    const SensorNode::DeviceRecord &record = device.app.record();
    log("device " + toHex(record.deviceId, sizeof record.deviceId) + " (" +
        (record.locked ? "locked" : "provisioning mode") + ") listening on " +
        m_options.listenAddress + ":" + std::to_string(port));

    while (!g_stopRequested) {
        pollfd watched[2] = {{listenFd, POLLIN, 0}, {device.link.fd(), POLLIN, 0}};
        const nfds_t count = device.link.isConnected() ? 2 : 1;
        const int ready = ::poll(watched, count, kPollPeriodMs);
        if (ready < 0 && errno != EINTR) {
            log(std::string("poll failed: ") + strerror(errno));
            break;
        }
        if (ready > 0 && (watched[0].revents & POLLIN)) {
            const int peer = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            // A peer that just reconnected may have closed the old connection a moment ago.
            device.link.dropIfPeerClosed();
            if (peer >= 0 && device.link.isConnected()) {
                log("refused a second connection");
                ::close(peer);
            } else if (peer >= 0) {
                device.link.attach(peer);
                device.app.linkRestarted();
                log("peer connected");
            }
        }
        const bool wasConnected = device.link.isConnected();
        device.app.poll();
        if (wasConnected && !device.link.isConnected())
            log("peer disconnected; waiting for the next connection");
    }

    device.link.disconnect();
    ::close(listenFd);
    logStats(device.app);
    if (!device.store.save(device.app.record()))
        return ExitFailure;
    log("stopped");
    return ExitSuccess;
}

} // namespace Portal::SensorNodeSim
