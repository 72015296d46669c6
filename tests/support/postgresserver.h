#pragma once
// A real PostgreSQL 15 for tests: initdb + pg_ctl into its own temp dir under /tmp, listening
// only on a Unix socket there (no TCP port, so tests need no lock), fsync off. Run as the
// `postgres` user when the test runs as root (CI), as the test's user otherwise.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace Portal::Testing {

class PostgresServer
{
public:
    PostgresServer() = default;
    ~PostgresServer(); // stops the server
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    // False when the server binaries are missing (a test then skips, saying so).
    static bool isInstalled();
    // initdb and start; false with output() saying why.
    bool start();
    void stop();

    // What Store::open takes: postgresql://postgres@localhost/postgres?host=<socket dir>.
    QString url() const;
    QString socketDirectory() const;
    // psql -Atc: the rows, fields separated by '|'; one "psql failed: …" line on failure.
    QStringList psql(const QString &sql) const;
    const QByteArray &output() const { return m_output; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    bool m_started = false;
    QByteArray m_output;
};

} // namespace Portal::Testing
