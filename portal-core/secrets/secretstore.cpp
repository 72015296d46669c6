#include "secretstore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <algorithm>

namespace Portal::Secrets {

namespace {

template<typename Done, typename Value>
void answerLater(QObject *context, Done done, Value value)
{
    QTimer::singleShot(0, context,
                       [done = std::move(done), value = std::move(value)] { done(value); });
}

Error invalid()
{
    return makeError("secrets.invalid",
                     "a secret's name is 1..200 printable ASCII characters and its value at most "
                     "16 KiB");
}

void wipe(QByteArray &bytes)
{
    std::fill(bytes.begin(), bytes.end(), '\0');
    bytes.clear();
}

// The file's entries; a missing file is empty.
Result<QJsonObject> readFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QJsonObject();
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (file.permissions() & others)
        return makeError("secrets.unavailable",
                         (path + QStringLiteral(" is readable by others; make it 0600 "
                                                "(chmod 600) before the portal uses it"))
                             .toStdString());
    if (!file.open(QIODevice::ReadOnly) || file.size() > FileSecretStore::kMaxFileBytes)
        return makeError("secrets.unavailable",
                         ("cannot read " + path + " (or it is over 1 MiB)").toStdString());
    QByteArray text = file.readAll();
    QJsonParseError parsed;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parsed);
    wipe(text);
    if (parsed.error != QJsonParseError::NoError || !document.isObject())
        return makeError("secrets.unavailable",
                         (path + QStringLiteral(" is not a JSON object of secrets")).toStdString());
    return document.object();
}

Result<void> writeFile(const QString &path, const QJsonObject &entries)
{
    QByteArray text = QJsonDocument(entries).toJson(QJsonDocument::Indented);
    QSaveFile file(path);
    const bool written = file.open(QIODevice::WriteOnly) &&
                         file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
                         file.write(text) == text.size() && file.commit();
    wipe(text);
    if (!written)
        return makeError("secrets.write_failed", ("cannot write " + path).toStdString());
    return {};
}

Error keychainError(QKeychain::Error error, const QString &text)
{
    switch (error) {
    case QKeychain::EntryNotFound:
        return makeError("secrets.not_found", "no such secret in the system keychain");
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return makeError("secrets.denied", ("the system keychain refused: " + text).toStdString());
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return makeError("secrets.unavailable", ("no system keychain is available (" + text +
                                                 "); headless programs use a secrets file instead")
                                                    .toStdString());
    default:
        return makeError("secrets.unavailable", ("system keychain: " + text).toStdString());
    }
}

// Runs job (no plaintext fallback, deleted when done) and answers in context's thread.
void runJob(QKeychain::Job *job, const QString &key, QObject *context,
            std::function<void(QKeychain::Job *)> succeeded,
            std::function<void(const Error &)> failed)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QObject::connect(
        job, &QKeychain::Job::finished, context,
        [succeeded = std::move(succeeded), failed = std::move(failed)](QKeychain::Job *finished) {
            if (finished->error() != QKeychain::NoError)
                return failed(keychainError(finished->error(), finished->errorString()));
            succeeded(finished);
        });
    job->start();
}

} // namespace

bool SecretStore::isValidKey(const QString &key)
{
    return !key.isEmpty() && key.size() <= kMaxKeyChars &&
           std::all_of(key.cbegin(), key.cend(),
                       [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

void MemorySecretStore::read(const QString &key, QObject *context, ReadDone done)
{
    if (!isValidKey(key))
        return answerLater(context, std::move(done), Result<QByteArray>(invalid()));
    const auto found = m_values.constFind(key);
    answerLater(context, std::move(done),
                found == m_values.cend()
                    ? Result<QByteArray>(makeError("secrets.not_found", "no such secret"))
                    : Result<QByteArray>(*found));
}

void MemorySecretStore::write(const QString &key, const QByteArray &value, QObject *context,
                              WriteDone done)
{
    if (!isValidKey(key) || value.size() > kMaxSecretBytes)
        return answerLater(context, std::move(done), Result<void>(invalid()));
    m_values.insert(key, value);
    answerLater(context, std::move(done), Result<void>());
}

void MemorySecretStore::remove(const QString &key, QObject *context, WriteDone done)
{
    answerLater(context, std::move(done),
                m_values.remove(key)
                    ? Result<void>()
                    : Result<void>(makeError("secrets.not_found", "no such secret")));
}

void FileSecretStore::read(const QString &key, QObject *context, ReadDone done)
{
    if (!isValidKey(key))
        return answerLater(context, std::move(done), Result<QByteArray>(invalid()));
    auto entries = readFile(m_path);
    if (!entries)
        return answerLater(context, std::move(done), Result<QByteArray>(entries.error()));
    const QJsonValue value = entries->value(key);
    if (!value.isString())
        return answerLater(
            context, std::move(done),
            Result<QByteArray>(makeError("secrets.not_found",
                                         ("no secret " + key + " in " + m_path).toStdString())));
    answerLater(context, std::move(done),
                Result<QByteArray>(QByteArray::fromBase64(value.toString().toLatin1())));
}

void FileSecretStore::write(const QString &key, const QByteArray &value, QObject *context,
                            WriteDone done)
{
    if (!isValidKey(key) || value.size() > kMaxSecretBytes)
        return answerLater(context, std::move(done), Result<void>(invalid()));
    auto entries = readFile(m_path);
    if (!entries)
        return answerLater(context, std::move(done), Result<void>(entries.error()));
    entries->insert(key, QString::fromLatin1(value.toBase64()));
    answerLater(context, std::move(done), writeFile(m_path, *entries));
}

void FileSecretStore::remove(const QString &key, QObject *context, WriteDone done)
{
    auto entries = readFile(m_path);
    if (!entries)
        return answerLater(context, std::move(done), Result<void>(entries.error()));
    if (!entries->contains(key))
        return answerLater(context, std::move(done),
                           Result<void>(makeError("secrets.not_found", "no such secret")));
    entries->remove(key);
    answerLater(context, std::move(done), writeFile(m_path, *entries));
}

void KeychainSecretStore::read(const QString &key, QObject *context, ReadDone done)
{
    if (!isValidKey(key))
        return answerLater(context, std::move(done), Result<QByteArray>(invalid()));
    runJob(
        new QKeychain::ReadPasswordJob(m_service), key, context,
        [done](QKeychain::Job *job) {
            done(static_cast<QKeychain::ReadPasswordJob *>(job)->binaryData());
        },
        [done](const Error &error) { done(error); });
}

void KeychainSecretStore::write(const QString &key, const QByteArray &value, QObject *context,
                                WriteDone done)
{
    if (!isValidKey(key) || value.size() > kMaxSecretBytes)
        return answerLater(context, std::move(done), Result<void>(invalid()));
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setBinaryData(value);
    runJob(
        job, key, context, [done](QKeychain::Job *) { done({}); },
        [done](const Error &error) { done(error); });
}

void KeychainSecretStore::remove(const QString &key, QObject *context, WriteDone done)
{
    runJob(
        new QKeychain::DeletePasswordJob(m_service), key, context,
        [done](QKeychain::Job *) { done({}); }, [done](const Error &error) { done(error); });
}

} // namespace Portal::Secrets
