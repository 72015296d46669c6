// The secret stores (Portal::Secrets): memory, the 0600 file and the system keychain. The file
// is refused when others can read it, a corrupt or failed write loses nothing, bounds are
// enforced; the keychain without a keychain service answers `secrets.unavailable` (CI machines
// have no Secret Service; a desktop's is not touched by tests).

#include "tests/support/testfiles.h"

#include <portal-core/secrets/secretstore.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Portal;

namespace {

Result<QByteArray> readNow(Secrets::SecretStore &store, const QString &key)
{
    QObject context;
    std::optional<Result<QByteArray>> answer;
    store.read(key, &context, [&](const Result<QByteArray> &result) { answer = result; });
    (void)QTest::qWaitFor([&] { return answer.has_value(); }, 20000);
    return answer.value_or(Result<QByteArray>(makeError("test.timeout", "no answer")));
}

Result<void> writeNow(Secrets::SecretStore &store, const QString &key, const QByteArray &value)
{
    QObject context;
    std::optional<Result<void>> answer;
    store.write(key, value, &context, [&](const Result<void> &result) { answer = result; });
    (void)QTest::qWaitFor([&] { return answer.has_value(); }, 20000);
    return answer.value_or(Result<void>(makeError("test.timeout", "no answer")));
}

Result<void> removeNow(Secrets::SecretStore &store, const QString &key)
{
    QObject context;
    std::optional<Result<void>> answer;
    store.remove(key, &context, [&](const Result<void> &result) { answer = result; });
    (void)QTest::qWaitFor([&] { return answer.has_value(); }, 20000);
    return answer.value_or(Result<void>(makeError("test.timeout", "no answer")));
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void boundsAreEnforced_data();
    void boundsAreEnforced();
    void answersComeAfterTheCall();
    void fileIsTheOwnersOnly();
    void fileReadableByOthersIsRefused();
    void corruptFileIsRefusedAndKept();
    void keychainWithoutServiceIsUnavailable();

private:
    std::unique_ptr<Secrets::SecretStore> makeStore(const QString &kind);
    QTemporaryDir m_dir;
};

std::unique_ptr<Secrets::SecretStore> TestSecretStore::makeStore(const QString &kind)
{
    if (kind == QLatin1String("memory"))
        return std::make_unique<Secrets::MemorySecretStore>();
    return std::make_unique<Secrets::FileSecretStore>(
        m_dir.filePath(QStringLiteral("secrets-%1.json").arg(QTest::currentDataTag())));
}

void TestSecretStore::roundTrip_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("memory") << "memory";
    QTest::newRow("file") << "file";
}

void TestSecretStore::roundTrip()
{
    QFETCH(QString, kind);
    auto store = makeStore(kind);
    const QString key = QStringLiteral("ssh-key-passphrase:/etc/iot-portal/id_ed25519");
    QCOMPARE(readNow(*store, key).error().code, std::string("secrets.not_found"));
    const QByteArray binary("s3cr\x00t\xff", 7);
    QVERIFY(writeNow(*store, key, binary));
    QVERIFY(writeNow(*store, QStringLiteral("openstack-password:lab"), "other"));
    QCOMPARE(*readNow(*store, key), binary);
    QVERIFY(writeNow(*store, key, "replaced"));
    QCOMPARE(*readNow(*store, key), QByteArray("replaced"));
    QVERIFY(removeNow(*store, key));
    QCOMPARE(readNow(*store, key).error().code, std::string("secrets.not_found"));
    QCOMPARE(removeNow(*store, key).error().code, std::string("secrets.not_found"));
    QCOMPARE(*readNow(*store, QStringLiteral("openstack-password:lab")), QByteArray("other"));
}

void TestSecretStore::boundsAreEnforced_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("valueBytes");
    for (const char *kind : {"memory", "file"}) {
        QTest::addRow("%s: empty name", kind) << kind << QString() << 1;
        QTest::addRow("%s: name with a space", kind) << kind << "a b" << 1;
        QTest::addRow("%s: name of 201", kind) << kind << QString(201, QLatin1Char('k')) << 1;
        QTest::addRow("%s: value over 16 KiB", kind) << kind << "big" << int(16 * 1024 + 1);
    }
}

void TestSecretStore::boundsAreEnforced()
{
    QFETCH(QString, kind);
    QFETCH(QString, key);
    QFETCH(int, valueBytes);
    auto store = makeStore(kind);
    QCOMPARE(writeNow(*store, key, QByteArray(valueBytes, 'v')).error().code,
             std::string("secrets.invalid"));
    if (!key.isEmpty() && key.size() <= Secrets::kMaxKeyChars && !key.contains(QLatin1Char(' ')))
        QCOMPARE(readNow(*store, key).error().code, std::string("secrets.not_found"));
    else
        QCOMPARE(readNow(*store, key).error().code, std::string("secrets.invalid"));
}

void TestSecretStore::answersComeAfterTheCall()
{
    Secrets::MemorySecretStore store;
    QObject context;
    bool answered = false;
    store.read(QStringLiteral("k"), &context, [&](const Result<QByteArray> &) { answered = true; });
    QVERIFY(!answered);
    QTRY_VERIFY(answered);
}

void TestSecretStore::fileIsTheOwnersOnly()
{
    const QString path = m_dir.filePath(QStringLiteral("owner.json"));
    Secrets::FileSecretStore store(path);
    QVERIFY(writeNow(store, QStringLiteral("k"), "v"));
    QCOMPARE(QFile(path).permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!Testing::readFile(path).contains("\"v\"")); // base64, not the bare value
}

void TestSecretStore::fileReadableByOthersIsRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("shared.json"));
    Secrets::FileSecretStore store(path);
    QVERIFY(writeNow(store, QStringLiteral("k"), "v"));
    QVERIFY(QFile(path).setPermissions(QFile(path).permissions() | QFileDevice::ReadOther));
    const QByteArray before = Testing::readFile(path);
    const auto read = readNow(store, QStringLiteral("k"));
    QCOMPARE(read.error().code, std::string("secrets.unavailable"));
    QVERIFY2(QString::fromStdString(read.error().message).contains(QLatin1String("chmod 600")),
             read.error().message.c_str());
    QCOMPARE(writeNow(store, QStringLiteral("k2"), "v2").error().code,
             std::string("secrets.unavailable"));
    QCOMPARE(Testing::readFile(path), before);
}

void TestSecretStore::corruptFileIsRefusedAndKept()
{
    const QString path = m_dir.filePath(QStringLiteral("corrupt.json"));
    QVERIFY(Testing::writeFile(path, "{\"k\": \"dg==\""));
    Secrets::FileSecretStore store(path);
    QCOMPARE(readNow(store, QStringLiteral("k")).error().code, std::string("secrets.unavailable"));
    QCOMPARE(writeNow(store, QStringLiteral("k"), "v").error().code,
             std::string("secrets.unavailable"));
    QCOMPARE(Testing::readFile(path), QByteArray("{\"k\": \"dg==\""));
}

void TestSecretStore::keychainWithoutServiceIsUnavailable()
{
    // No session bus, so no Secret Service and no KWallet: the state of a CI machine.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/iot-portal-test-bus");
    Secrets::KeychainSecretStore store(QStringLiteral("iot-portal-test"));
    const auto read = readNow(store, QStringLiteral("k"));
    QVERIFY(!read);
    QCOMPARE(read.error().code, std::string("secrets.unavailable"));
    QCOMPARE(writeNow(store, QStringLiteral("k"), "v").error().code,
             std::string("secrets.unavailable"));
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
