#pragma once
// Counts authentication failures per key (an IMPI, a peer address) in a sliding window and
// says when a key must be turned away (DESIGN §7.1: rate limits on authentication failures).
// Bounded: at most maxKeys keys are tracked; when full, the key whose last failure is oldest
// is forgotten first. Not thread-safe.

#include <QDateTime>
#include <QString>

#include <deque>
#include <map>

namespace Portal::Http {

class FailureLimiter
{
public:
    FailureLimiter(int maxFailures, int windowMs, int maxKeys = 10'000);

    // True while `key` has maxFailures or more failures within the window ending at now.
    bool isLimited(const QString &key, const QDateTime &now);
    void recordFailure(const QString &key, const QDateTime &now);
    // A success clears the key's history.
    void clear(const QString &key) { m_failures.erase(key); }
    int retryAfterSeconds() const { return (m_windowMs + 999) / 1000; }

private:
    void dropOld(std::deque<QDateTime> &times, const QDateTime &now) const;

    int m_maxFailures;
    int m_windowMs;
    int m_maxKeys;
    std::map<QString, std::deque<QDateTime>> m_failures;
};

} // namespace Portal::Http
