#pragma once
// The lab HSS's subscriber store and the BSF's bootstrapping sessions, in one SQLite file
// that belongs to the BSF alone (DESIGN §2, §4.3).
//
// Holds secrets (K, OPc per subscriber, Ks per session): the file is created 0600 and nothing
// read from it is logged. Not thread-safe: one HssStore per thread (each opens its own
// connection). SQN allocation is atomic in the database, so two BSF processes on one file
// never hand out the same SQN.

#include <portal-core/base/authfailure.h>
#include <portal-core/base/result.h>
#include <portal-core/crypto/aka.h>
#include <portal-core/crypto/gbakdf.h>
#include <portal-core/crypto/milenage.h>

#include <QDateTime>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace Portal::Gba {

struct Subscriber
{
    QString impi; // e.g. 001010000000001@ims.mnc001.mcc001.3gppnetwork.org
    Crypto::Key k{};
    Crypto::Opc opc{};
    Crypto::Amf amf{{0x80, 0x00}}; // separation bit set, as TS 33.102 Annex H asks for
    uint64_t sqn = 0;              // the last SQN handed out for this subscriber

    ~Subscriber();
};

struct BootstrapSession
{
    QString btid;
    QString impi;
    Crypto::Rand rand{};
    Crypto::Ks ks{};
    QDateTime expiresAt; // UTC

    ~BootstrapSession();
};

class HssStore
{
public:
    // Opens (creating if needed, mode 0600) and migrates the database. Errors:
    // `hss.open_failed`, `hss.migration_failed`.
    static Result<std::unique_ptr<HssStore>> open(const QString &path);
    ~HssStore();
    HssStore(const HssStore &) = delete;
    HssStore &operator=(const HssStore &) = delete;

    // Errors: `hss.bad_impi` (empty, > 255 bytes, control characters), `hss.exists`.
    Result<void> addSubscriber(const Subscriber &subscriber);
    // Errors: `hss.unknown_subscriber`.
    Result<void> removeSubscriber(const QString &impi);
    Result<std::vector<QString>> subscriberImpis();
    // Errors: `hss.unknown_subscriber`, `hss.corrupt` (a stored field of the wrong size).
    Result<Subscriber> subscriber(const QString &impi);

    // Increments the subscriber's SQN by one and returns the new value (persisted before it is
    // returned, so a crash never reuses an SQN). Errors: `hss.unknown_subscriber`,
    // `hss.sqn_exhausted` (would exceed 48 bits).
    Result<uint64_t> allocateSqn(const QString &impi);
    // After an AUTS resynchronisation: the next SQN handed out is sqnMs + 1.
    Result<void> resynchronise(const QString &impi, uint64_t sqnMs);

    // Replaces any session with the same B-TID.
    Result<void> storeSession(const BootstrapSession &session);
    // Errors: `hss.unknown_btid`.
    Result<BootstrapSession> session(const QString &btid);
    // Removes sessions that expired before `now`; returns how many.
    Result<int> purgeExpiredSessions(const QDateTime &now);

    // A failed Ub authentication, counted into its (minute, source, IMPI, reason) row
    // (portal-core/base/authfailure.h). Errors: `hss.write_failed`.
    Result<void> recordAuthFailure(const QString &source, const QString &impi,
                                   const QString &reason, const QDateTime &now);
    // Latest first, at most `limit` rows (bounded by kMaxAuthFailureRows).
    Result<QList<AuthFailure>> authFailures(int limit);

private:
    explicit HssStore(QString connectionName);
    Result<void> migrate();

    QString m_connectionName;
};

} // namespace Portal::Gba
