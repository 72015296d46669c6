#pragma once
// accessControlPolicy and its evaluation (DESIGN §4.5, TS-0001 §9.6.2, TS-0004 §6.3.5.26).
//
// A policy grants an operation when one of its rules (`pv.acr`) names the originator
// (`acor`: exact id, `all`, or a pattern with `*` for any run of characters and `?` for one
// character, e.g. `C*`), has the operation's bit in `acop`, and has no contexts (`acco`) or at
// least one context whose every condition holds:
// - `actw`: time windows, any of which may hold; each is six cron fields "second minute hour
//   day-of-month month day-of-week" (`*`, `n`, `a-b`, `*/s`, `a-b/s`, comma lists; day of week
//   0–6 from Sunday, 7 also Sunday), all fields must match, evaluated in UTC;
// - `acip`: `ipv4`/`ipv6` lists of addresses or CIDR ranges, any of which may hold
//   (IPv4-mapped IPv6 peers count as IPv4).
// A context with anything else (`aclr` location regions, unknown elements) is unsupported and
// never grants, so a policy written for a richer CSE fails closed here.

#include "resource.h"

#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Portal::OneM2M {

struct AccessControlContext
{
    QStringList timeWindows;  // actw
    QStringList ipv4Ranges;   // acip.ipv4
    QStringList ipv6Ranges;   // acip.ipv6
    bool unsupported = false; // aclr or an element this evaluator does not know
};

struct AccessControlRule
{
    QStringList originators;              // acor
    quint32 operations = 0;               // acop, bits of Operation
    QList<AccessControlContext> contexts; // acco
};

struct AccessControlPolicy
{
    QString resourceId;
    QString resourceName;
    QString parentId;
    QDateTime created;
    QDateTime lastModified;
    QStringList labels;
    QList<AccessControlRule> privileges;     // pv: access to the resources linking the ACP
    QList<AccessControlRule> selfPrivileges; // pvs: access to the ACP itself
};

struct AccessRequest
{
    QString originator;
    Operation operation = Operation::Retrieve;
    QDateTime timeUtc;
    QHostAddress peerAddress;
};

// `all` matches every originator, also an empty one; patterns match the whole originator.
bool originatorMatches(const QString &pattern, const QString &originator);
// False for a malformed window (so it never grants) as well as for a time outside it.
bool timeWindowMatches(const QString &window, const QDateTime &timeUtc);
// True when window is six well-formed cron fields (parsers use it to refuse bad policies).
bool isValidTimeWindow(const QString &window);
// Address or CIDR ("10.0.0.0/8", "2001:db8::/32"); malformed ranges never match.
bool addressInRange(const QHostAddress &address, const QString &range, bool ipv6);
bool isValidAddressRange(const QString &range, bool ipv6);

bool contextHolds(const AccessControlContext &context, const AccessRequest &request);
bool ruleGrants(const AccessControlRule &rule, const AccessRequest &request);
// Any rule of any policy's pv grants the request. No policies: nothing is granted.
bool policiesGrant(const QList<AccessControlPolicy> &policies, const AccessRequest &request);
// Which rule grants (the first in order: policies, then their pv rules), for the GUI's
// "which rule decides" tester; nullopt when nothing grants (the request is refused).
struct GrantingRule
{
    int policy = 0; // index into policies
    int rule = 0;   // index into that policy's privileges
};
std::optional<GrantingRule> grantingRule(const QList<AccessControlPolicy> &policies,
                                         const AccessRequest &request);
// The same over pvs, for operations on the policies themselves.
bool policiesSelfGrant(const QList<AccessControlPolicy> &policies, const AccessRequest &request);

} // namespace Portal::OneM2M
