#pragma once
// The simulated device's persistent record as a key=value text file (secret: it holds the
// private key). Written atomically (temporary file in the same directory, fsync, rename) with
// mode 0600; read with a size bound and every key required exactly once.
//
//   format=1  device_id=<hex 8>  locked=0|1  has_config=0|1  pan_id=<u16>  channel=<u8>
//   vendor=…  type=…  subscriber=…  (escaped, textcodec.h)  interval_s=<u32>
//   has_key=0|1  private_key=<hex 32>  public_key=<hex 64, x‖y>  counter_limit=<u32>
//
// Errors: `state.missing` (no file), `state.io` (cannot read/write), `state.malformed`
// (syntax, unknown/duplicate/missing key, value out of range, inconsistent record).

#include <firmware/app/board.h>
#include <firmware/app/devicerecord.h>
#include <portal-core/base/result.h>

#include <string>

namespace Portal::SensorNodeSim {

inline constexpr size_t kMaxStateFileBytes = 8192;

Result<SensorNode::DeviceRecord> loadStateFile(const std::string &path);
Result<void> saveStateFile(const std::string &path, const SensorNode::DeviceRecord &record);

// DeviceStore over one state file. load() fails for a missing or bad file (the caller checks
// bad files before starting the app, so a corrupt file is never replaced by a factory one).
class StateFileStore final : public SensorNode::DeviceStore
{
public:
    explicit StateFileStore(std::string path) : m_path(std::move(path)) {}

    bool load(SensorNode::DeviceRecord &record) override;
    bool save(const SensorNode::DeviceRecord &record) override;

    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace Portal::SensorNodeSim
