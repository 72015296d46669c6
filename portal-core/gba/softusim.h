#pragma once
// The gateway's soft USIM: IMPI, K, OPc and SQN_MS in a small JSON file that only its owner
// may read (0600; a file readable by group or others is refused, as ssh does with keys).
// authenticate() persists the new SQN_MS (atomically, write + rename) before it hands out
// RES, so a crash can never make the USIM accept the same AUTN twice.

#include <portal-core/base/result.h>
#include <portal-core/crypto/aka.h>

#include <QString>

#include <optional>

namespace Portal::Gba {

inline constexpr qint64 kMaxUsimFileBytes = 4096;

struct UsimAnswer
{
    // Exactly one of these is set.
    std::optional<Crypto::UsimAuthentication> authentication;
    std::optional<Crypto::Auts> auts; // SQN out of sync: send it back for resynchronisation
};

class SoftUsim
{
public:
    // Errors: `usim.unreadable`, `usim.insecure_permissions`, `usim.malformed`.
    static Result<SoftUsim> load(const QString &path);
    // Writes a new USIM file with mode 0600. Errors: `usim.write_failed`, `usim.bad_impi`.
    static Result<SoftUsim> create(const QString &path, const QString &impi, const Crypto::Key &k,
                                   const Crypto::Opc &opc, uint64_t sqnMs);

    SoftUsim(SoftUsim &&) noexcept = default;
    SoftUsim &operator=(SoftUsim &&) noexcept = default;
    ~SoftUsim();

    const QString &impi() const { return m_impi; }
    uint64_t sqnMs() const { return m_sqnMs; }

    // Checks (RAND, AUTN). Errors: `aka.mac_failure` (the network is not authentic),
    // `usim.write_failed` (the new SQN_MS could not be saved; RES is withheld).
    Result<UsimAnswer> authenticate(const Crypto::Rand &rand, const Crypto::Autn &autn);

private:
    SoftUsim() = default;
    Result<void> save() const;

    QString m_path;
    QString m_impi;
    Crypto::Key m_k{};
    Crypto::Opc m_opc{};
    uint64_t m_sqnMs = 0;
};

} // namespace Portal::Gba
