// The Connections page against a real OpenSSH sshd on 127.0.0.1: first contact shows the host
// key's fingerprint and records it only when the admin says yes, a refusal records nothing,
// a changed key is refused with both fingerprints and never replaced, a key's passphrase
// comes from the secret store (in memory here; the system keychain in the application).
// The cloud test's failures name what to fix.

#include "tests/support/childwidget.h"
#include "tests/support/openstacklab.h"
#include "tests/support/sshserver.h"
#include "tests/support/testfiles.h"

#include <app/portal/connectionspage.h>

#include <portal-core/engine/instanceconfigurator.h>

#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;
using Testing::child;

namespace {

constexpr int kConnectTimeoutMs = 20000;

} // namespace

class TestConnectionsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void firstContactAsksThenTrusts();
    void refusedTrustRecordsNothing();
    void changedKeyIsRefusedWithBothFingerprints();
    void passphraseComesFromTheSecretStore();
    void cloudFailuresSayWhatToFix();
    void cloudConnectsToTheLab();

private:
    void setTarget(const QString &knownHosts, const QString &keyFile);
    QString testSsh();

    Testing::SshServer m_sshd;
    QTemporaryDir m_dir;
    Secrets::MemorySecretStore m_secrets;
    std::unique_ptr<Gui::ConnectionsPage> m_page;
    QStringList m_asked; // fingerprints the trust decision was shown
    bool m_answer = true;
};

void TestConnectionsPage::initTestCase()
{
    QVERIFY2(m_sshd.start(), m_sshd.output().constData());
    QVERIFY(m_dir.isValid());
}

void TestConnectionsPage::init()
{
    m_page = std::make_unique<Gui::ConnectionsPage>(QStringLiteral("portal.sqlite"), m_secrets);
    m_page->setTrustDecision([this](const QString &, const QString &fingerprint) {
        m_asked.append(fingerprint);
        return m_answer;
    });
    m_asked.clear();
    m_answer = true;
}

void TestConnectionsPage::setTarget(const QString &knownHosts, const QString &keyFile)
{
    child<QLineEdit>(m_page.get(), "sshTarget")
        ->setText(QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.userName()).arg(m_sshd.port()));
    child<QLineEdit>(m_page.get(), "knownHosts")->setText(knownHosts);
    child<QLineEdit>(m_page.get(), "identityFile")->setText(keyFile);
}

QString TestConnectionsPage::testSsh()
{
    QTest::mouseClick(child<QPushButton>(m_page.get(), "testSsh"), Qt::LeftButton);
    if (!QTest::qWaitFor([this] { return !m_page->busy(); }, kConnectTimeoutMs))
        return QStringLiteral("(still busy)");
    return m_page->sshResult();
}

void TestConnectionsPage::firstContactAsksThenTrusts()
{
    const QString knownHosts = m_dir.filePath(QStringLiteral("known_hosts"));
    setTarget(knownHosts, m_sshd.userKeyPath());
    const QString result = testSsh();
    QVERIFY2(result.startsWith(QLatin1String("Connected")), qPrintable(result));
    QCOMPARE(m_asked, QStringList{m_sshd.hostKeyFingerprint()});
    QFile file(knownHosts);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().trimmed().isEmpty());
    // Known now: no second question.
    QVERIFY(testSsh().startsWith(QLatin1String("Connected")));
    QCOMPARE(m_asked.size(), 1);
}

void TestConnectionsPage::refusedTrustRecordsNothing()
{
    const QString knownHosts = m_dir.filePath(QStringLiteral("refused_known_hosts"));
    setTarget(knownHosts, m_sshd.userKeyPath());
    m_answer = false;
    const QString result = testSsh();
    QVERIFY2(result.startsWith(QLatin1String("Not trusted")), qPrintable(result));
    QCOMPARE(m_asked.size(), 1);
    QFile file(knownHosts);
    QVERIFY(!file.exists() || (file.open(QIODevice::ReadOnly) && file.readAll().isEmpty()));
}

void TestConnectionsPage::changedKeyIsRefusedWithBothFingerprints()
{
    const QString knownHosts = m_dir.filePath(QStringLiteral("known_hosts"));
    const QString before = m_sshd.hostKeyFingerprint();
    QVERIFY2(m_sshd.replaceHostKey(), m_sshd.output().constData());
    setTarget(knownHosts, m_sshd.userKeyPath());
    const QString result = testSsh();
    QVERIFY2(result.startsWith(QLatin1String("Refused: the host key")), qPrintable(result));
    QVERIFY2(result.contains(before) && result.contains(m_sshd.hostKeyFingerprint()),
             qPrintable(result));
    QVERIFY(m_asked.isEmpty()); // never offered as a new trust decision
}

void TestConnectionsPage::passphraseComesFromTheSecretStore()
{
    const QString knownHosts = m_dir.filePath(QStringLiteral("passphrase_known_hosts"));
    const QString key = m_sshd.makeAuthorisedKey(QStringLiteral("correct horse"));
    QVERIFY(!key.isEmpty());
    setTarget(knownHosts, key);
    // Nothing remembered yet: the encrypted key cannot be used.
    QString result = testSsh();
    QVERIFY2(result.startsWith(QLatin1String("Could not connect")), qPrintable(result));
    bool written = false;
    m_secrets.write(Engine::sshKeyPassphraseSecret(key), "correct horse", this,
                    [&written](const Result<void> &done) { written = bool(done); });
    QTRY_VERIFY(written);
    result = testSsh();
    QVERIFY2(result.startsWith(QLatin1String("Connected")), qPrintable(result));
}

void TestConnectionsPage::cloudFailuresSayWhatToFix()
{
    child<QLineEdit>(m_page.get(), "cloudsFile")->setText(m_dir.filePath("missing.yaml"));
    m_page->testCloud();
    QVERIFY2(m_page->cloudResult().startsWith(QLatin1String("Cannot read")),
             qPrintable(m_page->cloudResult()));

    const QString clouds = m_dir.filePath(QStringLiteral("clouds.yaml"));
    QVERIFY(Testing::writeFile(clouds, "clouds:\n  nowhere:\n    auth:\n"
                                       "      auth_url: http://127.0.0.1:1/v3\n"
                                       "      username: admin\n      password: x\n"
                                       "      project_name: admin\n"
                                       "      user_domain_name: Default\n"
                                       "      project_domain_name: Default\n"));
    child<QLineEdit>(m_page.get(), "cloudsFile")->setText(clouds);
    child<QLineEdit>(m_page.get(), "cloudName")->setText(QStringLiteral("elsewhere"));
    m_page->testCloud();
    QVERIFY2(m_page->cloudResult().startsWith(QLatin1String("The file does not describe")),
             qPrintable(m_page->cloudResult()));
    child<QLineEdit>(m_page.get(), "cloudName")->setText(QStringLiteral("nowhere"));
    m_page->testCloud();
    QTRY_VERIFY_WITH_TIMEOUT(
        m_page->cloudResult().startsWith(QLatin1String("Keystone refused or did not answer")),
        kConnectTimeoutMs);
}

// Run by ctest as tst_connectionspage_openstack (label openstack, the lab's fixture).
void TestConnectionsPage::cloudConnectsToTheLab()
{
    const QString clouds = Testing::openStackLabDirectory() + QStringLiteral("/clouds.yaml");
    if (qEnvironmentVariableIsEmpty("OSLAB_DIR") || !QFile::exists(clouds))
        QSKIP("needs the OpenStack lab: ctest -L openstack runs this with the lab's clouds.yaml");
    child<QLineEdit>(m_page.get(), "cloudsFile")->setText(clouds);
    child<QLineEdit>(m_page.get(), "cloudName")->setText(QStringLiteral("oslab-demo"));
    m_page->testCloud();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->busy(), kConnectTimeoutMs);
    QVERIFY2(m_page->cloudResult().startsWith(QLatin1String("Connected")),
             qPrintable(m_page->cloudResult()));
    QVERIFY2(m_page->cloudResult().contains(QLatin1String("compute at http")),
             qPrintable(m_page->cloudResult()));
}

QTEST_MAIN(TestConnectionsPage)
#include "tst_connectionspage.moc"
