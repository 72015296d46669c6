#include "postgresserver.h"

#include <QFileInfo>
#include <QProcess>

#include <unistd.h>

namespace Portal::Testing {

namespace {

const QString kPgBin = QStringLiteral("/usr/lib/postgresql/15/bin");

int run(const QString &program, const QStringList &arguments, QByteArray *output = nullptr)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(60000))
        return -1;
    if (output)
        *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

int runAsPostgres(const QString &program, const QStringList &arguments, QByteArray *output)
{
    if (::geteuid() == 0)
        return run(QStringLiteral("runuser"),
                   QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                               QStringLiteral("--"), program} +
                       arguments,
                   output);
    return run(program, arguments, output);
}

} // namespace

PostgresServer::~PostgresServer()
{
    stop();
}

bool PostgresServer::isInstalled()
{
    return QFileInfo(kPgBin + QStringLiteral("/initdb")).isExecutable();
}

bool PostgresServer::start()
{
    m_dir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/portal-pg-XXXXXX"));
    if (!m_dir->isValid()) {
        m_output = "cannot make a temp dir";
        return false;
    }
    if (::geteuid() == 0 &&
        run(QStringLiteral("chown"), {QStringLiteral("postgres:"), m_dir->path()}, &m_output) != 0)
        return false;
    const QString data = m_dir->filePath(QStringLiteral("data"));
    if (runAsPostgres(kPgBin + QStringLiteral("/initdb"),
                      {QStringLiteral("-D"), data, QStringLiteral("-A"), QStringLiteral("trust"),
                       QStringLiteral("-U"), QStringLiteral("postgres"),
                       QStringLiteral("--no-sync")},
                      &m_output) != 0)
        return false;
    if (runAsPostgres(kPgBin + QStringLiteral("/pg_ctl"),
                      {QStringLiteral("-D"), data, QStringLiteral("-l"),
                       m_dir->filePath(QStringLiteral("server.log")), QStringLiteral("-o"),
                       QStringLiteral("-k %1 -c listen_addresses= -c fsync=off").arg(m_dir->path()),
                       QStringLiteral("-w"), QStringLiteral("start")},
                      &m_output) != 0)
        return false;
    m_started = true;
    return true;
}

void PostgresServer::stop()
{
    if (!m_started)
        return;
    m_started = false;
    runAsPostgres(kPgBin + QStringLiteral("/pg_ctl"),
                  {QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")),
                   QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("stop")},
                  nullptr);
}

QString PostgresServer::url() const
{
    return QStringLiteral("postgresql://postgres@localhost/postgres?host=") + socketDirectory();
}

QString PostgresServer::socketDirectory() const
{
    return m_dir ? m_dir->path() : QString();
}

QStringList PostgresServer::psql(const QString &sql) const
{
    QByteArray output;
    if (run(QStringLiteral("psql"),
            {QStringLiteral("-h"), socketDirectory(), QStringLiteral("-U"),
             QStringLiteral("postgres"), QStringLiteral("-d"), QStringLiteral("postgres"),
             QStringLiteral("-Atc"), sql},
            &output) != 0)
        return {QStringLiteral("psql failed: ") + QString::fromUtf8(output)};
    return QString::fromUtf8(output).split('\n', Qt::SkipEmptyParts);
}

} // namespace Portal::Testing
