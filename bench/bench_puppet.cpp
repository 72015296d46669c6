// Puppet over SSH (issue 5): one PuppetRun (connect, host-key check, temp dir, SFTP upload,
// puppet apply, clean-up) against a real sshd on 127.0.0.1, beside the baseline of running
// `puppet apply` on the same manifest locally, both measured in this run. Prints medians.

#include "tests/support/daemonprocess.h"
#include "tests/support/sshserver.h"

#include <portal-core/provisioning/puppetmanifest.h>
#include <portal-core/provisioning/puppetrun.h>
#include <portal-core/provisioning/sshsession.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Portal;
using namespace Portal::Provisioning;

namespace {

constexpr int kRuns = 9;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Testing::SshServer sshd;
    QTemporaryDir dir;
    if (!dir.isValid() || !sshd.start()) {
        std::fprintf(stderr, "bench: sshd did not start\n%s\n", sshd.output().constData());
        return 1;
    }
    SshTarget target;
    target.host = QStringLiteral("127.0.0.1");
    target.port = sshd.port();
    target.user = sshd.userName();
    target.knownHostsPath = dir.filePath(QStringLiteral("known_hosts"));
    target.identityFile = sshd.userKeyPath();
    if (auto trusted = SshSession::trustHostKey(target, sshd.hostKeyFingerprint()); !trusted) {
        std::fprintf(stderr, "bench: %s\n", trusted.error().message.c_str());
        return 1;
    }
    QJsonArray files;
    for (int i = 0; i < 3; ++i)
        files.append(QJsonObject{{"path", dir.filePath(QStringLiteral("file-%1").arg(i))},
                                 {"content", QStringLiteral("content %1\n").arg(i)}});
    auto manifest = renderManifest(QJsonObject{{"puppet", QJsonObject{{"files", files}}}},
                                   QStringLiteral("bench_puppet"));
    if (!manifest) {
        std::fprintf(stderr, "bench: %s\n", manifest.error().message.c_str());
        return 1;
    }
    QFile site(dir.filePath(QStringLiteral("site.pp")));
    if (!site.open(QIODevice::WriteOnly) || site.write(manifest->sitePp) < 0)
        return 1;
    site.close();

    std::vector<double> overSshMs;
    std::vector<double> localMs;
    for (int run = 0; run < kRuns; ++run) {
        PuppetJob job;
        job.target = target;
        job.manifest = *manifest;
        PuppetRun puppet(job);
        QSignalSpy finished(&puppet, &PuppetRun::finished);
        QElapsedTimer elapsed;
        elapsed.start();
        puppet.start();
        if (!finished.wait(120000) || !puppet.result()->ok()) {
            std::fprintf(stderr, "bench: the run over SSH failed\n%s\n",
                         qPrintable(puppet.log().join('\n')));
            return 1;
        }
        overSshMs.push_back(double(elapsed.elapsed()));

        elapsed.restart();
        const int status = Testing::runCommand(
            QStringLiteral("puppet"),
            {QStringLiteral("apply"), QStringLiteral("--detailed-exitcodes"),
             QStringLiteral("--color=false"),
             QStringLiteral("--vardir=") + dir.filePath(QStringLiteral("var")), site.fileName()},
            nullptr, 120000);
        if (status != 0 && status != 2) {
            std::fprintf(stderr, "bench: local puppet apply failed (%d)\n", status);
            return 1;
        }
        localMs.push_back(double(elapsed.elapsed()));
    }
    std::printf("\n%-52s %10s %10s %8s\n", "measure (median of 9 runs)", "ms", "baseline", "ratio");
    std::printf("%-52s %10.1f %10.1f %8.2f\n", "PuppetRun: connect + upload + puppet apply",
                median(overSshMs), median(localMs), median(overSshMs) / median(localMs));
    std::printf("  baseline: puppet apply of the same manifest run locally\n");
    return 0;
}
