#pragma once
// Device class matching (DESIGN §5): a class matches a device when every attribute the class
// names (vendor, type, subscriber; empty = any) equals the device's exactly. Among matching
// classes the most specific (most attributes named) wins; ties go to the higher priority, and
// remaining ties to the smaller class name, so the answer never depends on list order.

#include <portal-core/store/storerecords.h>

#include <QList>
#include <QString>

#include <optional>

namespace Portal::Engine {

struct DeviceAttributes
{
    QString vendor;
    QString type;
    QString subscriber;
};

bool classMatches(const Store::DeviceClass &deviceClass, const DeviceAttributes &attributes);
int classSpecificity(const Store::DeviceClass &deviceClass); // 0..3
std::optional<Store::DeviceClass> matchDeviceClass(const QList<Store::DeviceClass> &classes,
                                                   const DeviceAttributes &attributes);

} // namespace Portal::Engine
