#pragma once
// The device's persistent state: identity, configuration, key pair and the reading-counter
// reservation. One record, written rarely (provisioning steps and once per counter block).

#include <portal-core/protocol/cose.h>
#include <portal-core/protocol/messages.h>

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace SensorNode {

// Set by PROV_SET_CONFIG; the values are within the bounds messages.h states.
struct DeviceConfig
{
    uint16_t panId;
    uint8_t channel; // Protocol::kMinChannel .. kMaxChannel
    Protocol::ClassAttributes classAttributes;
    uint32_t reportingIntervalS; // Protocol::kMinReportingIntervalS .. kMaxReportingIntervalS
};

constexpr uint32_t kFirstReadingCounter = 1;

struct DeviceRecord
{
    uint8_t deviceId[Protocol::kDeviceIdBytes];
    bool hasConfig;
    bool hasKey;
    bool locked; // PROV_LOCK done: provisioning messages are refused from now on
    DeviceConfig config;
    uint8_t privateKey[32]; // secret; meaningful only when hasKey
    uint8_t publicKey[64];  // x ‖ y of privateKey·G
    // Every counter below this value may already have signed a reading; after a reset the
    // device continues here. Raised a block at a time before a counter is used.
    uint32_t counterLimit;
    // The portal's device-authority public key x ‖ y (PROV_SET_CONFIG key 7): the device
    // attaches only when an ATTACH_ACCEPT carries this key's signature. Last in the record, so
    // a record of the first layout (without it) is this record's prefix.
    bool hasAuthority;
    uint8_t authorityKey[64];
};

// The size of a record of the first layout (before the authority key), for migration.
constexpr size_t kFirstLayoutRecordBytes = offsetof(DeviceRecord, hasAuthority);

// A record for a device fresh from the factory: only its id.
void initFactoryRecord(DeviceRecord &record, const uint8_t deviceId[Protocol::kDeviceIdBytes]);

// Whether the fields are consistent (a loaded record is checked with this before use).
bool isRecordConsistent(const DeviceRecord &record);

Protocol::ProvisioningState provisioningState(const DeviceRecord &record);

} // namespace SensorNode
} // namespace Portal
