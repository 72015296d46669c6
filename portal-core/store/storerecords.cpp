#include "storerecords.h"

namespace Portal::Store {

namespace {

template<typename Enum, size_t N>
std::optional<Enum> lookup(const char *const (&names)[N], const QString &text)
{
    for (size_t i = 0; i < N; ++i) {
        if (text == QLatin1String(names[i]))
            return Enum(i);
    }
    return std::nullopt;
}

const char *const kSharing[] = {"shared", "dedicated"};
const char *const kEnrolment[] = {"preregistered", "open"};
const char *const kDeviceState[] = {"pending", "ready", "failed"};
const char *const kSignatureState[] = {"none", "verified", "bad_signature", "replay", "refused"};
const char *const kInstanceState[] = {"requested", "building", "configuring", "ready", "failed"};
const char *const kAdminRequestState[] = {"pending", "done", "failed"};

} // namespace

QString toText(Sharing value)
{
    return QLatin1String(kSharing[int(value)]);
}
QString toText(Enrolment value)
{
    return QLatin1String(kEnrolment[int(value)]);
}
QString toText(DeviceState value)
{
    return QLatin1String(kDeviceState[int(value)]);
}
QString toText(SignatureState value)
{
    return QLatin1String(kSignatureState[int(value)]);
}
QString toText(InstanceState value)
{
    return QLatin1String(kInstanceState[int(value)]);
}
QString toText(AdminRequestState value)
{
    return QLatin1String(kAdminRequestState[int(value)]);
}
std::optional<Sharing> sharingFromText(const QString &text)
{
    return lookup<Sharing>(kSharing, text);
}
std::optional<Enrolment> enrolmentFromText(const QString &text)
{
    return lookup<Enrolment>(kEnrolment, text);
}
std::optional<DeviceState> deviceStateFromText(const QString &text)
{
    return lookup<DeviceState>(kDeviceState, text);
}
std::optional<SignatureState> signatureStateFromText(const QString &text)
{
    return lookup<SignatureState>(kSignatureState, text);
}
std::optional<InstanceState> instanceStateFromText(const QString &text)
{
    return lookup<InstanceState>(kInstanceState, text);
}
std::optional<AdminRequestState> adminRequestStateFromText(const QString &text)
{
    return lookup<AdminRequestState>(kAdminRequestState, text);
}

} // namespace Portal::Store
