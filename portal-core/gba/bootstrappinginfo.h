#pragma once
// The BSF's answer to a successful Ub bootstrap (TS 24.109 §6.3): an XML document in the
// namespace `uri:3gpp-gba` carrying the B-TID and the key lifetime (xs:dateTime, UTC).

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace Portal::Gba {

inline constexpr qsizetype kMaxBootstrappingInfoBytes = 4096;
inline constexpr qsizetype kMaxBtidBytes = 255;
inline constexpr char kBootstrappingInfoContentType[] = "application/vnd.3gpp.bsf+xml";

struct BootstrappingInfo
{
    QString btid;
    QDateTime lifetime; // UTC, whole seconds
};

QByteArray encodeBootstrappingInfo(const BootstrappingInfo &info);
// Bounded before parsing (kMaxBootstrappingInfoBytes). Errors: `gba.bad_bootstrapping_info`
// (not well-formed, wrong namespace or root, missing/duplicate/oversized fields, bad time).
Result<BootstrappingInfo> parseBootstrappingInfo(const QByteArray &xml);

} // namespace Portal::Gba
