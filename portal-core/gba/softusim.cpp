#include "softusim.h"

#include <portal-core/crypto/secure.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cstring>

namespace Portal::Gba {

namespace {

template<size_t N>
bool fromHex(const QJsonValue &value, std::array<uint8_t, N> &out)
{
    const QByteArray hex = value.toString().toLatin1();
    if (hex.size() != qsizetype(2 * N))
        return false;
    QByteArray bytes = QByteArray::fromHex(hex);
    if (bytes.size() != qsizetype(N) || bytes.toHex() != hex.toLower())
        return false;
    std::memcpy(out.data(), bytes.constData(), N);
    Crypto::secureWipe(bytes.data(), size_t(bytes.size()));
    return true;
}

template<size_t N>
QString toHex(const std::array<uint8_t, N> &bytes)
{
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(N)).toHex());
}

} // namespace

SoftUsim::~SoftUsim()
{
    Crypto::secureWipe(m_k.data(), m_k.size());
    Crypto::secureWipe(m_opc.data(), m_opc.size());
}

Result<SoftUsim> SoftUsim::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("usim.unreadable", "cannot read USIM file " + path.toStdString() + ": " +
                                                file.errorString().toStdString());
    const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                        QFile::WriteOther | QFile::ExeOther;
    if (file.permissions() & others)
        return makeError("usim.insecure_permissions",
                         "USIM file " + path.toStdString() +
                             " is accessible by group or others; chmod 600 it");
    if (file.size() > kMaxUsimFileBytes)
        return makeError("usim.malformed", "USIM file is larger than 4 KiB");
    QByteArray text = file.read(kMaxUsimFileBytes + 1);
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    Crypto::secureWipe(text.data(), size_t(text.size()));
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return makeError("usim.malformed", "USIM file is not a JSON object");
    const QJsonObject object = document.object();

    SoftUsim usim;
    usim.m_path = path;
    usim.m_impi = object.value(QStringLiteral("impi")).toString();
    const double sqn = object.value(QStringLiteral("sqn")).toDouble(-1);
    if (usim.m_impi.isEmpty() || !fromHex(object.value(QStringLiteral("k")), usim.m_k) ||
        !fromHex(object.value(QStringLiteral("opc")), usim.m_opc) || sqn < 0 ||
        sqn > double(Crypto::kSqnMax) || sqn != double(uint64_t(sqn)))
        return makeError("usim.malformed",
                         "USIM file needs impi, k (32 hex), opc (32 hex) and sqn (0..2^48-1)");
    usim.m_sqnMs = uint64_t(sqn);
    return usim;
}

Result<SoftUsim> SoftUsim::create(const QString &path, const QString &impi, const Crypto::Key &k,
                                  const Crypto::Opc &opc, uint64_t sqnMs)
{
    if (impi.isEmpty() || impi.toUtf8().size() > 255)
        return makeError("usim.bad_impi", "an IMPI is 1 to 255 bytes");
    SoftUsim usim;
    usim.m_path = path;
    usim.m_impi = impi;
    usim.m_k = k;
    usim.m_opc = opc;
    usim.m_sqnMs = sqnMs;
    if (auto saved = usim.save(); !saved)
        return saved.error();
    return usim;
}

Result<void> SoftUsim::save() const
{
    QJsonObject object{{QStringLiteral("impi"), m_impi},
                       {QStringLiteral("k"), toHex(m_k)},
                       {QStringLiteral("opc"), toHex(m_opc)},
                       {QStringLiteral("sqn"), double(m_sqnMs)}};
    QByteArray text = QJsonDocument(object).toJson();
    QSaveFile file(m_path);
    const bool written = file.open(QIODevice::WriteOnly) &&
                         file.setPermissions(QFile::ReadOwner | QFile::WriteOwner) &&
                         file.write(text) == text.size() && file.commit();
    Crypto::secureWipe(text.data(), size_t(text.size()));
    if (!written)
        return makeError("usim.write_failed", "cannot write USIM file " + m_path.toStdString() +
                                                  ": " + file.errorString().toStdString());
    return {};
}

Result<UsimAnswer> SoftUsim::authenticate(const Crypto::Rand &rand, const Crypto::Autn &autn)
{
    const Crypto::Milenage milenage(m_k, m_opc);
    Crypto::AutnCheck check = Crypto::checkAutn(milenage, rand, autn, m_sqnMs);
    UsimAnswer answer;
    if (check.auts) {
        answer.auts = *check.auts;
        return answer;
    }
    if (!check.result)
        return check.result.error();
    const uint64_t previous = m_sqnMs;
    m_sqnMs = check.result->sqnMs;
    if (auto saved = save(); !saved) {
        m_sqnMs = previous;
        return saved.error();
    }
    answer.authentication = std::move(check.result.value());
    return answer;
}

} // namespace Portal::Gba
