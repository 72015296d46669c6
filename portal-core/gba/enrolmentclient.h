#pragma once
// The gateway's side of Ua enrolment (docs/api.md): POST /naf/v1/enrol with HTTP Digest
// (username = B-TID, password = base64(Ks_NAF), qop auth-int), sending a CSR for the
// gateway's own key; the answer is the portal's URL and CA and the gateway's client
// certificate. Bodies are bounded (kMaxEnrolmentAnswerBytes); one challenge round at most.

#include "gbaclient.h"

#include <portal-core/base/result.h>
#include <portal-core/crypto/x509.h>

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace Portal::Gba {

inline constexpr qint64 kMaxEnrolmentAnswerBytes = 64 * 1024;

struct Enrolment
{
    QUrl portalUrl;
    QByteArray portalCaPem;
    QByteArray certificatePem;
    QDateTime notAfter; // UTC; the certificate lapses with the B-TID
};

struct EnrolmentRequest
{
    QUrl nafUrl;                       // https://naf.lab.example:port/naf/v1/enrol
    QString nafFqdn;                   // the NAF's configured name, part of NAF_Id
    QList<QSslCertificate> trustedCas; // the operator CA
    QString gatewayId;
    QByteArray csrPem;
    int timeoutMs = 15'000;
};

class EnrolmentClient : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<Enrolment>)>;

    explicit EnrolmentClient(QObject *parent = nullptr);
    ~EnrolmentClient() override;

    // `done` runs exactly once. Errors: `enrol.network`, `enrol.btid_refused` (bootstrap
    // again), `enrol.refused` (with the NAF's message), `enrol.bad_response`.
    void enrol(const EnrolmentRequest &request, const GbaBootstrap &bootstrap, Done done);

private:
    void post(const QByteArray &authorization);
    void onFinished(QNetworkReply *reply);
    void finish(Result<Enrolment> result);

    std::unique_ptr<QNetworkAccessManager> m_network;
    EnrolmentRequest m_request;
    QString m_btid;
    QByteArray m_password; // base64(Ks_NAF), wiped in finish()
    QByteArray m_body;
    bool m_answeredChallenge = false;
    Done m_done;
};

} // namespace Portal::Gba
