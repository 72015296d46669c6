#pragma once
// Brings a new device into the platform over USB serial (DESIGN §4.1 PROV_*):
//   Port → Identify (PROV_INFO) → Class and radio settings → Keys (PROV_SET_CONFIG,
//   PROV_GENKEY, registration in the store) → Verify (PROV_TEST_READING checked with the
//   registered key) → Finish (PROV_LOCK, summary).
// Every device step has a timeout, shows what failed and offers Retry; the device is written
// to the store only once its public key is in hand, so a device unplugged earlier leaves
// nothing behind, and one unplugged later is resumed (same key on the device and in the store)
// instead of registered twice. A device the store already knows with another key is
// re-provisioned only after an explicit confirmation; a locked device is refused.
// Batch mode: after Finish, "Next device" continues at Identify on the same port with the
// same choices; the batch's outcomes can be saved as CSV.

#include <portal-core/store/store.h>

#include <QDateTime>
#include <QList>
#include <QWizard>

namespace Portal::Gui {

class DeviceSerialLink;

struct ProvisionedDevice
{
    QDateTime finishedAt;
    QString deviceId;
    QString className;
    QString fingerprint;
    QString outcome; // "provisioned", "re-provisioned", "failed: …"
};

// Step timeouts; key generation and signing take ≈ 4 s each on an ATmega2560 at 16 MHz
// (scripts/bench sign); the default leaves room for a slower board.
struct ProvisioningTimeouts
{
    int answerMs = 8000; // PROV_INFO is repeated every second within it
    int signMs = 120000;
};

class ProvisioningWizard final : public QWizard
{
    Q_OBJECT

public:
    enum PageId { PortPage, IdentifyPage, ClassPage, KeysPage, VerifyPage, FinishPage };

    // What the pages found and chose for the current device.
    struct Session
    {
        QByteArray deviceId; // 8 bytes
        QString firmwareVersion;
        QString board;
        QByteArray devicePublicKey; // 65 bytes, when the device already has a key
        bool resume = false;        // the store holds the device's current key: skip key generation
        bool replaceKey = false;    // the store holds another key: confirmed re-provisioning
        QString className;
        QString vendor;
        QString type;
        QString subscriber;
        int panId = 0x3332;
        int channel = 12;
        int reportingIntervalS = 60;
        QByteArray publicKey; // registered in the store
        QString lastError;
        bool finished = false;
    };

    ProvisioningWizard(Store::Store &store, QWidget *parent = nullptr,
                       ProvisioningTimeouts timeouts = ProvisioningTimeouts());
    ~ProvisioningWizard() override;

    DeviceSerialLink &link() { return *m_link; }
    Store::Store &store() { return m_store; }
    const ProvisioningTimeouts &timeouts() const { return m_timeouts; }
    Session &session() { return m_session; }

    const QList<ProvisionedDevice> &batch() const { return m_batch; }
    bool isBatchMode() const;
    // Writes the batch as CSV (finished_at, device_id, class, key_fingerprint, outcome).
    Result<void> saveBatchReport(const QString &path) const;
    // Batch mode: back to Identify on the same port, keeping every choice.
    void nextDevice();
    // What the page shows about its current step (status or error).
    QString statusText(int pageId) const;

    // SHA-256 of the 65-byte public key: its first 16 bytes in groups of four hex digits.
    static QString fingerprintOf(const QByteArray &publicKey);
    void recordOutcome(const QString &outcome);

    void reject() override;

private:
    void updateButtons(int pageId);

    Store::Store &m_store;
    ProvisioningTimeouts m_timeouts;
    DeviceSerialLink *m_link;
    Session m_session;
    QList<ProvisionedDevice> m_batch;
};

} // namespace Portal::Gui
