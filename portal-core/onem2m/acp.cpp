#include "acp.h"

#include <QDate>
#include <QTime>

#include <bitset>
#include <optional>

namespace Portal::OneM2M {

namespace {

// Bounds keep a hostile policy from costing more than a few microseconds per check.
constexpr int kMaxPatternLength = 256;
constexpr int kMaxWindowLength = 256;

using FieldSet = std::bitset<64>;

std::optional<int> parseNumber(QStringView text, int min, int max)
{
    if (text.isEmpty() || text.size() > 2)
        return std::nullopt;
    int value = 0;
    for (QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
        value = value * 10 + (c.unicode() - '0');
    }
    if (value < min || value > max)
        return std::nullopt;
    return value;
}

// One cron field: comma list of `*`, `n`, `a-b`, each optionally `/step`.
std::optional<FieldSet> parseField(QStringView field, int min, int max)
{
    FieldSet set;
    for (QStringView item : field.split(QLatin1Char(','))) {
        int step = 1;
        const qsizetype slash = item.indexOf(QLatin1Char('/'));
        if (slash >= 0) {
            const auto parsedStep = parseNumber(item.mid(slash + 1), 1, max);
            if (!parsedStep)
                return std::nullopt;
            step = *parsedStep;
            item = item.left(slash);
        }
        int first = min;
        int last = max;
        if (item != QLatin1String("*")) {
            const qsizetype dash = item.indexOf(QLatin1Char('-'));
            const auto low = parseNumber(dash >= 0 ? item.left(dash) : item, min, max);
            if (!low)
                return std::nullopt;
            first = *low;
            last = *low;
            if (dash >= 0) {
                const auto high = parseNumber(item.mid(dash + 1), min, max);
                if (!high || *high < *low)
                    return std::nullopt;
                last = *high;
            } else if (slash >= 0) {
                last = max; // "n/s" means from n to the end in steps of s
            }
        }
        for (int value = first; value <= last; value += step)
            set.set(size_t(value));
    }
    return set;
}

struct ParsedWindow
{
    FieldSet second, minute, hour, dayOfMonth, month, dayOfWeek;
};

std::optional<ParsedWindow> parseWindow(const QString &window)
{
    if (window.size() > kMaxWindowLength)
        return std::nullopt;
    const QStringList fields = window.simplified().split(QLatin1Char(' '));
    if (fields.size() != 6)
        return std::nullopt;
    ParsedWindow parsed;
    const struct
    {
        FieldSet *set;
        int min;
        int max;
    } layout[6] = {{&parsed.second, 0, 59},     {&parsed.minute, 0, 59}, {&parsed.hour, 0, 23},
                   {&parsed.dayOfMonth, 1, 31}, {&parsed.month, 1, 12},  {&parsed.dayOfWeek, 0, 7}};
    for (int i = 0; i < 6; ++i) {
        const auto set = parseField(fields[i], layout[i].min, layout[i].max);
        if (!set)
            return std::nullopt;
        *layout[i].set = *set;
    }
    if (parsed.dayOfWeek.test(7))
        parsed.dayOfWeek.set(0);
    return parsed;
}

// Linear-time glob: `*` any run, `?` one character.
bool globMatches(QStringView pattern, QStringView text)
{
    qsizetype p = 0, t = 0, starP = -1, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == QLatin1Char('?') || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == QLatin1Char('*')) {
            starP = p++;
            starT = t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

QHostAddress normalised(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

bool anyRuleGrants(const QList<AccessControlRule> &rules, const AccessRequest &request)
{
    for (const AccessControlRule &rule : rules) {
        if (ruleGrants(rule, request))
            return true;
    }
    return false;
}

} // namespace

bool originatorMatches(const QString &pattern, const QString &originator)
{
    if (pattern == QLatin1String("all"))
        return true;
    if (pattern.isEmpty() || pattern.size() > kMaxPatternLength ||
        originator.size() > kMaxPatternLength)
        return false;
    return globMatches(pattern, originator);
}

bool isValidTimeWindow(const QString &window)
{
    return parseWindow(window).has_value();
}

bool timeWindowMatches(const QString &window, const QDateTime &timeUtc)
{
    const auto parsed = parseWindow(window);
    if (!parsed || !timeUtc.isValid())
        return false;
    const QDateTime utc = timeUtc.toUTC();
    const QDate date = utc.date();
    const QTime time = utc.time();
    const int dayOfWeek = date.dayOfWeek() % 7; // Qt: Monday 1 … Sunday 7
    return parsed->second.test(size_t(time.second())) &&
           parsed->minute.test(size_t(time.minute())) && parsed->hour.test(size_t(time.hour())) &&
           parsed->dayOfMonth.test(size_t(date.day())) &&
           parsed->month.test(size_t(date.month())) && parsed->dayOfWeek.test(size_t(dayOfWeek));
}

bool isValidAddressRange(const QString &range, bool ipv6)
{
    if (range.size() > 64)
        return false;
    const QAbstractSocket::NetworkLayerProtocol wanted =
        ipv6 ? QAbstractSocket::IPv6Protocol : QAbstractSocket::IPv4Protocol;
    if (range.contains(QLatin1Char('/'))) {
        const auto subnet = QHostAddress::parseSubnet(range);
        return subnet.second >= 0 && subnet.first.protocol() == wanted;
    }
    const QHostAddress address(range);
    return !address.isNull() && address.protocol() == wanted;
}

bool addressInRange(const QHostAddress &address, const QString &range, bool ipv6)
{
    if (!isValidAddressRange(range, ipv6))
        return false;
    const QHostAddress peer = normalised(address);
    if (range.contains(QLatin1Char('/')))
        return peer.isInSubnet(QHostAddress::parseSubnet(range));
    return peer.isEqual(QHostAddress(range), QHostAddress::StrictConversion);
}

bool contextHolds(const AccessControlContext &context, const AccessRequest &request)
{
    if (context.unsupported)
        return false;
    if (!context.timeWindows.isEmpty()) {
        bool inWindow = false;
        for (const QString &window : context.timeWindows)
            inWindow = inWindow || timeWindowMatches(window, request.timeUtc);
        if (!inWindow)
            return false;
    }
    if (!context.ipv4Ranges.isEmpty() || !context.ipv6Ranges.isEmpty()) {
        bool inRange = false;
        for (const QString &range : context.ipv4Ranges)
            inRange = inRange || addressInRange(request.peerAddress, range, false);
        for (const QString &range : context.ipv6Ranges)
            inRange = inRange || addressInRange(request.peerAddress, range, true);
        if (!inRange)
            return false;
    }
    return true;
}

bool ruleGrants(const AccessControlRule &rule, const AccessRequest &request)
{
    if ((rule.operations & quint32(request.operation)) == 0)
        return false;
    bool named = false;
    for (const QString &pattern : rule.originators)
        named = named || originatorMatches(pattern, request.originator);
    if (!named)
        return false;
    if (rule.contexts.isEmpty())
        return true;
    for (const AccessControlContext &context : rule.contexts) {
        if (contextHolds(context, request))
            return true;
    }
    return false;
}

bool policiesGrant(const QList<AccessControlPolicy> &policies, const AccessRequest &request)
{
    for (const AccessControlPolicy &policy : policies) {
        if (anyRuleGrants(policy.privileges, request))
            return true;
    }
    return false;
}

std::optional<GrantingRule> grantingRule(const QList<AccessControlPolicy> &policies,
                                         const AccessRequest &request)
{
    for (int policy = 0; policy < policies.size(); ++policy) {
        const QList<AccessControlRule> &rules = policies[policy].privileges;
        for (int rule = 0; rule < rules.size(); ++rule) {
            if (ruleGrants(rules[rule], request))
                return GrantingRule{policy, rule};
        }
    }
    return std::nullopt;
}

bool policiesSelfGrant(const QList<AccessControlPolicy> &policies, const AccessRequest &request)
{
    for (const AccessControlPolicy &policy : policies) {
        if (anyRuleGrants(policy.selfPrivileges, request))
            return true;
    }
    return false;
}

} // namespace Portal::OneM2M
