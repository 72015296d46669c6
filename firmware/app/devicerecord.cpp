#include "devicerecord.h"

#include <firmware/crypto/p256.h>

#include <string.h>

namespace Portal {
namespace SensorNode {

void initFactoryRecord(DeviceRecord &record, const uint8_t deviceId[Protocol::kDeviceIdBytes])
{
    memset(&record, 0, sizeof record);
    memcpy(record.deviceId, deviceId, Protocol::kDeviceIdBytes);
    record.counterLimit = kFirstReadingCounter;
}

static bool isTextValid(const Protocol::ClassAttributeText &text)
{
    return text.size <= Protocol::ClassAttributeText::capacity();
}

bool isRecordConsistent(const DeviceRecord &record)
{
    if (record.counterLimit < kFirstReadingCounter)
        return false;
    if (record.hasConfig) {
        const DeviceConfig &config = record.config;
        if (config.channel < Protocol::kMinChannel || config.channel > Protocol::kMaxChannel)
            return false;
        if (config.reportingIntervalS < Protocol::kMinReportingIntervalS ||
            config.reportingIntervalS > Protocol::kMaxReportingIntervalS)
            return false;
        if (!isTextValid(config.classAttributes.vendor) ||
            !isTextValid(config.classAttributes.type) ||
            !isTextValid(config.classAttributes.subscriber))
            return false;
    }
    if (record.hasKey && !FirmwareCrypto::validatePrivateKey(record.privateKey))
        return false;
    if (record.hasAuthority && !FirmwareCrypto::validatePublicKey(record.authorityKey))
        return false;
    if (record.locked && !(record.hasConfig && record.hasKey))
        return false;
    return true;
}

Protocol::ProvisioningState provisioningState(const DeviceRecord &record)
{
    if (record.locked)
        return Protocol::ProvisioningState::Locked;
    if (record.hasKey)
        return Protocol::ProvisioningState::KeyGenerated;
    if (record.hasConfig)
        return Protocol::ProvisioningState::Configured;
    return Protocol::ProvisioningState::Factory;
}

} // namespace SensorNode
} // namespace Portal
