#include "classmatcher.h"

namespace Portal::Engine {

namespace {

bool attributeMatches(const QString &wanted, const QString &actual)
{
    return wanted.isEmpty() || wanted == actual;
}

// True when a should be chosen over b.
bool preferred(const Store::DeviceClass &a, const Store::DeviceClass &b)
{
    const int specificityA = classSpecificity(a);
    const int specificityB = classSpecificity(b);
    if (specificityA != specificityB)
        return specificityA > specificityB;
    if (a.priority != b.priority)
        return a.priority > b.priority;
    return a.name < b.name;
}

} // namespace

bool classMatches(const Store::DeviceClass &deviceClass, const DeviceAttributes &attributes)
{
    return attributeMatches(deviceClass.vendor, attributes.vendor) &&
           attributeMatches(deviceClass.type, attributes.type) &&
           attributeMatches(deviceClass.subscriber, attributes.subscriber);
}

int classSpecificity(const Store::DeviceClass &deviceClass)
{
    return int(!deviceClass.vendor.isEmpty()) + int(!deviceClass.type.isEmpty()) +
           int(!deviceClass.subscriber.isEmpty());
}

std::optional<Store::DeviceClass> matchDeviceClass(const QList<Store::DeviceClass> &classes,
                                                   const DeviceAttributes &attributes)
{
    std::optional<Store::DeviceClass> best;
    for (const Store::DeviceClass &candidate : classes) {
        if (classMatches(candidate, attributes) && (!best || preferred(candidate, *best)))
            best = candidate;
    }
    return best;
}

} // namespace Portal::Engine
