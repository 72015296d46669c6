#pragma once
// What every test against the project's OpenStack lab (tests/openstack-lab) shares: where the
// lab keeps its state, its clouds.yaml entries as CloudConfig, running the event loop until an
// asynchronous client call answers, and error text for QVERIFY2. Header-only, so only those
// tests link Portal::Cloud and Qt Test for it.

#include <portal-core/base/result.h>
#include <portal-core/cloud/openstack/cloudsconfig.h>

#include <QDir>
#include <QObject>
#include <QTest>

#include <optional>
#include <string>

namespace Portal::Testing {

inline constexpr int kOpenStackCallTimeoutMs = 60000;

// OSLAB_DIR, else the lab's default state directory.
inline QString openStackLabDirectory()
{
    const QString fromEnvironment = qEnvironmentVariable("OSLAB_DIR");
    return fromEnvironment.isEmpty() ? QStringLiteral("/tmp/iot-portal-openstack-lab")
                                     : fromEnvironment;
}

// A cloud of the lab's clouds.yaml (oslab-admin, oslab-demo), read without the process
// environment. Aborts the test with the reason when the lab is not up.
inline Cloud::OpenStack::CloudConfig openStackLabCloud(const QString &name)
{
    using Cloud::OpenStack::CloudsConfig;
    CloudsConfig::Environment environment;
    environment.variables.insert(QStringLiteral("OS_CLIENT_CONFIG_FILE"),
                                 openStackLabDirectory() + QStringLiteral("/clouds.yaml"));
    environment.currentDirectory = QDir::tempPath();
    environment.homeDirectory = QDir::tempPath();
    auto config = CloudsConfig::load(environment, name);
    if (!config)
        qFatal("the lab's clouds.yaml is unusable (is the lab up? tests/openstack-lab/up.sh): %s",
               config.error().message.c_str());
    return *config;
}

// Runs the event loop until start(context, callback)'s callback answers; nullopt on timeout.
template<typename T, typename Start>
std::optional<Result<T>> await(Start start, int timeoutMs = kOpenStackCallTimeoutMs)
{
    std::optional<Result<T>> answer;
    QObject context;
    start(&context, [&answer](const Result<T> &result) { answer = result; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, timeoutMs))
        return std::nullopt;
    return answer;
}

inline const char *describe(const Error &error)
{
    static thread_local std::string text;
    text = error.code + ": " + error.message;
    return text.c_str();
}

// QVERIFY2 evaluates its message even when the check passes.
template<typename T>
const char *describe(const Result<T> &result)
{
    return result.ok() ? "" : describe(result.error());
}

} // namespace Portal::Testing
