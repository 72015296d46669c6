#pragma once
// The oneM2M resources this platform serves (DESIGN §4.5, a subset of TS-0001/TS-0004):
// CSEBase, AE, container, contentInstance and accessControlPolicy, with the numbers the
// protocol puts on the wire (resource types `ty`, operation bits `acop`, response status codes
// `X-M2M-RSC`). Times are UTC in the oneM2M basic format `20261122T120000`.

#include <QDateTime>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace Portal::OneM2M {

enum class ResourceType : int {
    AccessControlPolicy = 1,
    Ae = 2,
    Container = 3,
    ContentInstance = 4,
    CseBase = 5,
};

// accessControlOperations bits (TS-0004 §6.3.4.2.2).
enum class Operation : quint32 {
    Create = 1,
    Retrieve = 2,
    Update = 4,
    Delete = 8,
    Notify = 16,
    Discovery = 32,
};
inline constexpr quint32 kAllOperations = 63;

// X-M2M-RSC values used here (TS-0004 §6.6).
enum class ResponseStatusCode : int {
    Ok = 2000,
    Created = 2001,
    Deleted = 2002,
    Updated = 2004,
    BadRequest = 4000,
    NotFound = 4004,
    OperationNotAllowed = 4005,
    RequestTimeout = 4008,
    SubscriptionCreatorHasNoPrivilege = 4101,
    ContentsUnacceptable = 4102,
    OriginatorHasNoPrivilege = 4103,
    Conflict = 4105,
    SecurityAssociationRequired = 4107,
    InternalServerError = 5000,
    NotImplemented = 5001,
};

// "20261122T120000" (seconds precision, UTC). parseTimestamp refuses anything else.
QString formatTimestamp(const QDateTime &time);
QDateTime parseTimestamp(const QString &text);

struct CseBase
{
    QString resourceId;   // ri
    QString resourceName; // rn
    QString cseId;        // csi, e.g. "/instance-1"
    QDateTime created;    // ct
};

struct Ae
{
    QString resourceId;
    QString resourceName;
    QString parentId; // pi
    QString aeId;     // aei
    QString appId;    // api
    QDateTime created;
    QDateTime lastModified; // lt
    QStringList labels;     // lbl
    QStringList acpIds;     // acpi
};

struct Container
{
    QString resourceId;
    QString resourceName;
    QString parentId;
    QDateTime created;
    QDateTime lastModified;
    quint64 stateTag = 0;        // st
    qint64 currentInstances = 0; // cni
    qint64 currentByteSize = 0;  // cbs
    qint64 maxInstances = -1;    // mni, omitted when < 0
    QStringList labels;
};

struct ContentInstance
{
    QString resourceId;
    QString resourceName;
    QString parentId;
    QDateTime created;
    QDateTime lastModified;
    quint64 stateTag = 0;
    QString contentInfo;    // cnf, e.g. "application/cose;cose-type=cose-sign1:0"
    QJsonValue content;     // con: a string (base64 for binary) or, for commands, an object
    qint64 contentSize = 0; // cs, bytes of con as serialised
    QStringList labels;
};

} // namespace Portal::OneM2M
