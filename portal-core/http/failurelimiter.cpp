#include "failurelimiter.h"

namespace Portal::Http {

FailureLimiter::FailureLimiter(int maxFailures, int windowMs, int maxKeys)
    : m_maxFailures(maxFailures), m_windowMs(windowMs), m_maxKeys(maxKeys)
{
}

void FailureLimiter::dropOld(std::deque<QDateTime> &times, const QDateTime &now) const
{
    const QDateTime windowStart = now.addMSecs(-m_windowMs);
    while (!times.empty() && times.front() < windowStart)
        times.pop_front();
}

bool FailureLimiter::isLimited(const QString &key, const QDateTime &now)
{
    auto found = m_failures.find(key);
    if (found == m_failures.end())
        return false;
    dropOld(found->second, now);
    if (found->second.empty()) {
        m_failures.erase(found);
        return false;
    }
    return int(found->second.size()) >= m_maxFailures;
}

void FailureLimiter::recordFailure(const QString &key, const QDateTime &now)
{
    if (int(m_failures.size()) >= m_maxKeys && m_failures.find(key) == m_failures.end()) {
        auto oldest = m_failures.begin();
        for (auto it = m_failures.begin(); it != m_failures.end(); ++it) {
            if (it->second.empty() || it->second.back() < oldest->second.back())
                oldest = it;
        }
        m_failures.erase(oldest);
    }
    auto &times = m_failures[key];
    dropOld(times, now);
    times.push_back(now);
    // Only the newest maxFailures matter for the decision.
    while (int(times.size()) > m_maxFailures)
        times.pop_front();
}

} // namespace Portal::Http
