#include "statefile.h"

#include "textcodec.h"

#include <firmware/crypto/bytes.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace Portal::SensorNodeSim {

using SensorNode::DeviceRecord;

namespace {

constexpr int kFormatVersion = 1;
const char *const kKeys[] = {"format",  "device_id",   "locked",     "has_config",   "pan_id",
                             "channel", "vendor",      "type",       "subscriber",   "interval_s",
                             "has_key", "private_key", "public_key", "counter_limit"};
// Absent from a state of the first layout (before device-link version 2): such a device has no
// authority key until PROV_SET_AUTHORITY.
constexpr const char *kAuthorityKey = "authority_key";

Error malformed(const std::string &what)
{
    return makeError("state.malformed", "state file: " + what);
}

template<typename Integer>
bool parseUnsigned(const std::string &text, Integer maximum, Integer &value)
{
    unsigned long long parsed = 0;
    const char *end = text.data() + text.size();
    const auto [next, error] = std::from_chars(text.data(), end, parsed);
    if (error != std::errc() || next != end || text.empty() ||
        parsed > static_cast<unsigned long long>(maximum))
        return false;
    value = Integer(parsed);
    return true;
}

bool parseFlag(const std::string &text, bool &value)
{
    if (text != "0" && text != "1")
        return false;
    value = text == "1";
    return true;
}

bool assignText(const std::string &text, Protocol::ClassAttributeText &target)
{
    return target.assign(text.data(), text.size());
}

std::string textOf(const Protocol::ClassAttributeText &text)
{
    return std::string(text.data, text.size);
}

// Reads the whole file, at most kMaxStateFileBytes.
Result<std::string> readBounded(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return makeError("state.missing", "state file does not exist: " + path);
        return makeError("state.io", "cannot open state file " + path + ": " + strerror(errno));
    }
    std::string content;
    char buffer[1024];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ::close(fd);
            return makeError("state.io", "cannot read state file " + path);
        }
        if (got == 0)
            break;
        content.append(buffer, size_t(got));
        if (content.size() > kMaxStateFileBytes) {
            ::close(fd);
            return malformed("larger than " + std::to_string(kMaxStateFileBytes) + " bytes");
        }
    }
    ::close(fd);
    return content;
}

bool writeAll(int fd, const std::string &content)
{
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        written += size_t(n);
    }
    return true;
}

} // namespace

Result<DeviceRecord> loadStateFile(const std::string &path)
{
    Result<std::string> content = readBounded(path);
    if (!content)
        return content.error();

    std::map<std::string, std::string> values;
    std::string_view rest = *content;
    while (!rest.empty()) {
        const size_t newline = rest.find('\n');
        std::string_view line = rest.substr(0, newline);
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
        if (line.empty() || line.front() == '#')
            continue;
        const size_t equals = line.find('=');
        if (equals == std::string_view::npos)
            return malformed("a line without '='");
        const std::string key(line.substr(0, equals));
        bool known = key == kAuthorityKey;
        for (const char *candidate : kKeys)
            known = known || key == candidate;
        if (!known)
            return malformed("unknown key");
        std::optional<std::string> value = unescapeValue(line.substr(equals + 1));
        if (!value)
            return malformed("bad escape in " + key);
        if (!values.emplace(key, std::move(*value)).second)
            return malformed("duplicate key " + key);
    }
    for (const char *key : kKeys) {
        if (!values.count(key))
            return malformed(std::string("missing key ") + key);
    }

    DeviceRecord record;
    std::memset(&record, 0, sizeof record);
    int format = 0;
    if (!parseUnsigned(values["format"], 1000, format) || format != kFormatVersion)
        return malformed("unsupported format");
    const auto deviceId = fromHex(values["device_id"], Protocol::kDeviceIdBytes);
    if (!deviceId)
        return malformed("device_id is not 8 bytes of hex");
    std::memcpy(record.deviceId, deviceId->data(), deviceId->size());
    if (!parseFlag(values["locked"], record.locked) ||
        !parseFlag(values["has_config"], record.hasConfig) ||
        !parseFlag(values["has_key"], record.hasKey))
        return malformed("a flag is not 0 or 1");
    SensorNode::DeviceConfig &config = record.config;
    if (!parseUnsigned<uint16_t>(values["pan_id"], 0xffff, config.panId) ||
        !parseUnsigned<uint8_t>(values["channel"], 0xff, config.channel) ||
        !parseUnsigned<uint32_t>(values["interval_s"], 0xffffffffu, config.reportingIntervalS) ||
        !parseUnsigned<uint32_t>(values["counter_limit"], 0xffffffffu, record.counterLimit))
        return malformed("a number is out of range");
    if (!assignText(values["vendor"], config.classAttributes.vendor) ||
        !assignText(values["type"], config.classAttributes.type) ||
        !assignText(values["subscriber"], config.classAttributes.subscriber))
        return malformed("a class attribute is longer than 24 bytes");
    auto privateKey = fromHex(values["private_key"], sizeof record.privateKey);
    const auto publicKey = fromHex(values["public_key"], sizeof record.publicKey);
    if (!privateKey || !publicKey)
        return malformed("a key is not hex of its size");
    std::memcpy(record.privateKey, privateKey->data(), privateKey->size());
    FirmwareCrypto::wipeSecret(content->data(), content->size());
    FirmwareCrypto::wipeSecret(privateKey->data(), privateKey->size());
    std::memcpy(record.publicKey, publicKey->data(), publicKey->size());
    FirmwareCrypto::wipeSecret(values["private_key"].data(), values["private_key"].size());
    if (const auto authority = values.find(kAuthorityKey);
        authority != values.end() && !authority->second.empty()) {
        const auto key = fromHex(authority->second, sizeof record.authorityKey);
        if (!key)
            return malformed("authority_key is not 64 bytes of hex");
        std::memcpy(record.authorityKey, key->data(), key->size());
        record.hasAuthority = true;
    }
    if (!SensorNode::isRecordConsistent(record))
        return malformed("inconsistent record");
    return record;
}

Result<void> saveStateFile(const std::string &path, const DeviceRecord &record)
{
    const SensorNode::DeviceConfig &config = record.config;
    std::string content = "# sensor-node-sim state: SECRET (holds the device private key)\n";
    const auto line = [&content](const char *key, const std::string &value) {
        content += key;
        content += '=';
        content += escapeValue(value);
        content += '\n';
    };
    line("format", std::to_string(kFormatVersion));
    line("device_id", toHex(record.deviceId, sizeof record.deviceId));
    line("locked", record.locked ? "1" : "0");
    line("has_config", record.hasConfig ? "1" : "0");
    line("pan_id", std::to_string(config.panId));
    line("channel", std::to_string(config.channel));
    line("vendor", textOf(config.classAttributes.vendor));
    line("type", textOf(config.classAttributes.type));
    line("subscriber", textOf(config.classAttributes.subscriber));
    line("interval_s", std::to_string(config.reportingIntervalS));
    line("has_key", record.hasKey ? "1" : "0");
    line("private_key", toHex(record.privateKey, sizeof record.privateKey));
    line("public_key", toHex(record.publicKey, sizeof record.publicKey));
    line("counter_limit", std::to_string(record.counterLimit));
    line(kAuthorityKey, record.hasAuthority ? toHex(record.authorityKey, sizeof record.authorityKey)
                                            : std::string());

    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    if (ok) {
        ok = ::fchmod(fd, 0600) == 0 && writeAll(fd, content) && ::fsync(fd) == 0;
        ok = ::close(fd) == 0 && ok;
    }
    FirmwareCrypto::wipeSecret(content.data(), content.size());
    if (ok)
        ok = ::rename(temporary.c_str(), path.c_str()) == 0;
    if (!ok) {
        const int savedErrno = errno;
        ::unlink(temporary.c_str());
        return makeError("state.io",
                         "cannot write state file " + path + ": " + strerror(savedErrno));
    }
    // Make the rename itself durable.
    const size_t slash = path.rfind('/');
    const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const int directoryFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directoryFd >= 0) {
        ::fsync(directoryFd);
        ::close(directoryFd);
    }
    return {};
}

bool StateFileStore::load(DeviceRecord &record)
{
    Result<DeviceRecord> loaded = loadStateFile(m_path);
    if (!loaded)
        return false;
    record = *loaded;
    FirmwareCrypto::wipeSecret(loaded->privateKey, sizeof loaded->privateKey);
    return true;
}

bool StateFileStore::save(const DeviceRecord &record)
{
    const Result<void> saved = saveStateFile(m_path, record);
    if (!saved)
        std::fprintf(stderr, "sensor-node-sim: %s\n", saved.error().message.c_str());
    return saved.ok();
}

} // namespace Portal::SensorNodeSim
