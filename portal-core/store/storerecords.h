#pragma once
// The rows of the portal store (DESIGN §5, §6) as plain values. Enumerations are stored as
// the lowercase words named next to them; ids are bounded by the repositories that write them.

#include <portal-core/base/authfailure.h>

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Portal::Store {

struct VmTemplate
{
    QString name;     // 1..64 of [A-Za-z0-9._-]
    QJsonObject spec; // image, flavor, network, keyPair, securityGroups, userData, puppet…
};

struct AccessPolicy
{
    QString name;         // 1..64 of [A-Za-z0-9._-]; the instance's policy name
    QJsonObject document; // {"m2m:acp": {"pv": …, "pvs"?: …}}
    bool deleted = false; // a tombstone
    QDateTime updatedAt;
};

enum class Sharing { Shared, Dedicated };     // "shared" | "dedicated"
enum class Enrolment { Preregistered, Open }; // "preregistered" | "open"

struct DeviceClass
{
    QString name; // 1..64 of [A-Za-z0-9._-]
    // Empty means "any"; a class naming more attributes is more specific.
    QString vendor;
    QString type;
    QString subscriber;
    int priority = 0; // breaks ties between equally specific classes; higher wins
    QString templateName;
    Sharing sharing = Sharing::Shared;
    int capacity = 100; // devices per shared instance, >= 1; ignored when dedicated
    Enrolment enrolment = Enrolment::Preregistered;
};

enum class DeviceState { Pending, Ready, Failed }; // "pending" | "ready" | "failed"

// The device's instance's verdict on the last reading it answered, as the gateway reports it:
// "none" (no answer yet), "verified", "bad_signature", "replay", "refused" (malformed, too
// large, revoked).
enum class SignatureState { None, Verified, BadSignature, Replay, Refused };

struct Device
{
    QString id;           // 16 lowercase hex digits
    QByteArray publicKey; // 65-byte SEC1 uncompressed P-256 point
    QString className;
    QString gatewayId;     // empty while no gateway has attached it
    qint64 instanceId = 0; // 0 while not placed
    DeviceState state = DeviceState::Pending;
    QString credentialSha256; // lowercase hex; empty until the instance holds the key
    int credentialEpoch = 0;  // bumped whenever the credential is replaced
    bool revoked = false;
    QString reason;
    QDateTime updatedAt;
    // Read only, written by Store::recordDeviceActivity from the gateway's heartbeat.
    QDateTime lastSeen;    // the gateway last heard from the device
    QDateTime lastReading; // the instance last stored one of its readings
    SignatureState signature = SignatureState::None;
    // The highest counter any instance accepted (-1: none known); only rises. Pushed to each
    // instance the device is placed on, which refuses readings at or below it.
    qint64 counterFloor = -1;
};

// An instance that must still drop a detached device (Store::addDeviceRemoval).
struct DeviceRemoval
{
    QString deviceId;
    qint64 instanceId = 0;
};

// A single-use attach challenge the portal gave a gateway (Store::addAttachChallenge).
struct AttachChallenge
{
    QByteArray challenge; // 16 random bytes
    QString deviceId;
    QString gatewayId;
    QByteArray request; // what the engine needs at the proof (its own JSON)
    QDateTime expires;
};

// One device's line of a heartbeat (see Device's read-only fields).
struct DeviceActivity
{
    QString deviceId;
    QDateTime lastSeen;
    QDateTime lastReading;
    SignatureState signature = SignatureState::None;
    qint64 lastCounter = -1; // the highest counter an instance accepted; -1: none reported
};

// A certificate the users CA issued for a oneM2M user or application.
struct UserCertificate
{
    QString serialHex;
    QString name; // the typed name urn:iot-portal:user:<name>
    QByteArray certificatePem;
    QDateTime created;
    QDateTime notAfter;
    QDateTime revoked; // invalid while valid
};

struct Gateway
{
    QString id; // [a-z0-9-]{1,40}
    QDateTime lastHeartbeat;
    QString version;
    int deviceCount = 0;
    int queueDepth = 0;
    QDateTime btidExpiry;
    bool blocked = false;
    QString impi; // bound at the first enrolment (read only: bindGatewayImpi writes it)
};

// Life cycle: requested → building → configuring → ready, or failed with a reason.
enum class InstanceState { Requested, Building, Configuring, Ready, Failed };

struct Instance
{
    qint64 id = 0;
    QString backend; // "local" | "openstack"
    QString className;
    QString templateName;
    QString dedicatedDeviceId; // set for dedicated instances
    int slot = 0;              // 1.. for shared instances of a class, 0 for dedicated
    InstanceState state = InstanceState::Requested;
    QString reason;
    QString url; // https://host:port of the M2M service once known
    int adminPort = 0;
    QString dataDir;
    QString ownerTag; // marks what this portal created (cloud list filters)
    QDateTime updatedAt;
};

// Failed authentications of one (source, claimed identity, reason) within one minute.
using Portal::AuthFailure;

struct AuditEntry
{
    QDateTime time;
    QString actor;   // "gateway:gw1", "portald", "cli"
    QString action;  // "device.attach", "device.enrolment_refused", …
    QString subject; // "device:0102…", "instance:3"
    QString detail;
};

// An admin action queued for the leading iot-portald (DESIGN §2.1): the CLI or the GUI asks,
// the leader does it and records the outcome, so whoever asks need not hold the lease.
// Life cycle: pending → done | failed; a finished request never changes again.
enum class AdminRequestState { Pending, Done, Failed }; // "pending" | "done" | "failed"

struct AdminRequest
{
    qint64 id = 0;
    QString action;      // "reconcile", "instance.reprovision", …; a name, ≤ 64
    QString subject;     // "instance:3", or empty for the whole cloud; ≤ 200
    QJsonObject options; // the action's options, ≤ 4 KiB as JSON
    QString requestedBy; // "cli", "gui:<user>"; ≤ 100
    QDateTime requestedAt;
    AdminRequestState state = AdminRequestState::Pending;
    QString result; // the outcome (a JSON report, a log), ≤ Store::kMaxAuditDetailChars
    QDateTime doneAt;
    QString progress; // output while it runs (appended), ≤ Store::kMaxAdminProgressChars
};

QString toText(Sharing value);
QString toText(Enrolment value);
QString toText(DeviceState value);
QString toText(SignatureState value);
QString toText(InstanceState value);
QString toText(AdminRequestState value);
std::optional<Sharing> sharingFromText(const QString &text);
std::optional<Enrolment> enrolmentFromText(const QString &text);
std::optional<DeviceState> deviceStateFromText(const QString &text);
std::optional<SignatureState> signatureStateFromText(const QString &text);
std::optional<InstanceState> instanceStateFromText(const QString &text);
std::optional<AdminRequestState> adminRequestStateFromText(const QString &text);

} // namespace Portal::Store
