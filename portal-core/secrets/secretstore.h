#pragma once
// Where the portal keeps secrets it needs at run time (DESIGN §6): never in the database.
// Keys are names of at most 200 printable ASCII characters ("ssh-key-passphrase:/etc/…");
// values at most kMaxSecretBytes. Reads and writes are asynchronous because the system
// keychain may ask the user to unlock it: done is called once, in context's thread, never
// before the call returns. Values are secrets: callers wipe their copies after use.
//
// Errors: `secrets.not_found`, `secrets.invalid` (key or value out of bounds),
// `secrets.unavailable` (no keychain service; the file unreadable, corrupt or readable by
// others), `secrets.denied` (the user refused), `secrets.write_failed`.

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace Portal::Secrets {

inline constexpr qsizetype kMaxSecretBytes = 16 * 1024;
inline constexpr qsizetype kMaxKeyChars = 200;

class SecretStore
{
public:
    using ReadDone = std::function<void(const Result<QByteArray> &)>;
    using WriteDone = std::function<void(const Result<void> &)>;

    virtual ~SecretStore() = default;
    virtual QString description() const = 0; // for messages: "the system keychain", "…file"
    virtual void read(const QString &key, QObject *context, ReadDone done) = 0;
    virtual void write(const QString &key, const QByteArray &value, QObject *context,
                       WriteDone done) = 0;
    virtual void remove(const QString &key, QObject *context, WriteDone done) = 0;

    static bool isValidKey(const QString &key);
};

// For tests.
class MemorySecretStore final : public SecretStore
{
public:
    QString description() const override { return QStringLiteral("the in-memory secret store"); }
    void read(const QString &key, QObject *context, ReadDone done) override;
    void write(const QString &key, const QByteArray &value, QObject *context,
               WriteDone done) override;
    void remove(const QString &key, QObject *context, WriteDone done) override;

private:
    QHash<QString, QByteArray> m_values;
};

// A JSON object {key: base64 value} in a file of its owner only (0600; a file others can read
// is refused, not used), at most 1 MiB. Writes replace the whole file atomically, so a failed
// write loses nothing. For headless daemons.
class FileSecretStore final : public SecretStore
{
public:
    static constexpr qint64 kMaxFileBytes = 1024 * 1024;
    explicit FileSecretStore(QString path) : m_path(std::move(path)) {}
    QString description() const override { return QStringLiteral("the secrets file ") + m_path; }
    void read(const QString &key, QObject *context, ReadDone done) override;
    void write(const QString &key, const QByteArray &value, QObject *context,
               WriteDone done) override;
    void remove(const QString &key, QObject *context, WriteDone done) override;

private:
    QString m_path;
};

// The system keychain through QtKeychain (Secret Service or KWallet on Linux), entries under
// the service name "iot-portal". Without a keychain service every call answers
// `secrets.unavailable` saying so; it never falls back to an unencrypted file.
class KeychainSecretStore final : public SecretStore
{
public:
    explicit KeychainSecretStore(QString service = QStringLiteral("iot-portal"))
        : m_service(std::move(service))
    {
    }
    QString description() const override { return QStringLiteral("the system keychain"); }
    void read(const QString &key, QObject *context, ReadDone done) override;
    void write(const QString &key, const QByteArray &value, QObject *context,
               WriteDone done) override;
    void remove(const QString &key, QObject *context, WriteDone done) override;

private:
    QString m_service;
};

} // namespace Portal::Secrets
