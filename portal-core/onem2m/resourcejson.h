#pragma once
// JSON serialisation of the resources in the TS-0004 short names: {"m2m:cb": …}, {"m2m:ae": …},
// {"m2m:cnt": …}, {"m2m:cin": …}, {"m2m:acp": …}.
//
// Parsers take the raw request body and bound it before parsing (maxBytes, at most
// kMaxResourceJsonBytes). Errors (messages never echo the input):
//   onem2m.too_large        body longer than maxBytes
//   onem2m.malformed        not a JSON object, or not exactly one member with the wrong root
//   onem2m.wrong_resource   a root other than the expected resource's (e.g. m2m:ae for a cin)
//   onem2m.bad_attribute    an attribute of the wrong type or out of range, or unknown
//   onem2m.read_only        an attribute the hosting CSE assigns (ri, ct, st, cs, …) in a create

#include "acp.h"
#include "resource.h"

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QJsonObject>

namespace Portal::OneM2M {

inline constexpr qsizetype kMaxResourceJsonBytes = 64 * 1024;

QJsonObject toJson(const CseBase &cse);
QJsonObject toJson(const Ae &ae);
QJsonObject toJson(const Container &container);
QJsonObject toJson(const ContentInstance &instance);
QJsonObject toJson(const AccessControlPolicy &policy);

// What a client may set when it creates a contentInstance.
struct ContentInstanceCreate
{
    QString resourceName; // rn, optional ("" when absent)
    QString contentInfo;  // cnf, optional
    QJsonValue content;   // con, required: a string or an object
    QStringList labels;   // lbl, optional
};

Result<ContentInstanceCreate> parseContentInstanceCreate(const QByteArray &body,
                                                         qsizetype maxBytes);
// A full contentInstance as a CSE returns it (client side: the GUI, the gateway, tests).
Result<ContentInstance> parseContentInstance(const QByteArray &body, qsizetype maxBytes);
// A container retrieved with rcn=4: its identity and counts, and the contentInstances it
// returned (at most kMaxListingChildren, in the CSE's order). Bounded by kMaxListingJsonBytes.
inline constexpr qsizetype kMaxListingJsonBytes = 1024 * 1024;
inline constexpr int kMaxListingChildren = 500;
struct ContainerListing
{
    QString resourceId;
    quint64 stateTag = 0;
    qint64 currentInstances = 0;
    QList<ContentInstance> children;
};
Result<ContainerListing> parseContainerListing(const QByteArray &body, qsizetype maxBytes);
// An accessControlPolicy (create/update body, or stored form). pv is required, pvs optional;
// acop must be 1..63, acor a non-empty list of non-empty strings, actw and acip well formed.
// aclr and unknown acco elements are kept as `unsupported` contexts (they never grant).
Result<AccessControlPolicy> parseAccessControlPolicy(const QByteArray &body, qsizetype maxBytes);

} // namespace Portal::OneM2M
