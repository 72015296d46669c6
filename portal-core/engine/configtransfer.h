#pragma once
// Moving the operator's configuration in and out of a portal (issue 6): VM templates, device
// classes and access policies as one JSON document, and bulk device pre-registration from CSV.
//
// Import is all or nothing: every entry is checked the way the store, Puppet rendering and
// the instances' ACP parser will use it before the first write, so a bad file changes nothing
// and the error names the entry ("classes[2]: …"). Entries replace those of the same name.
// CSV pre-registration is per row: each row is registered or refused on its own, with the
// reason, so a report can be shown for the whole file.
//
// Bounds: a configuration file ≤ kMaxConfigurationBytes and ≤ kMaxConfigurationEntries
// entries; a CSV file ≤ kMaxCsvBytes and ≤ kMaxCsvRows rows, lines ≤ kMaxCsvLineBytes.
// Errors: `config.too_large`, `config.malformed` (with the entry), and the store's.

#include <portal-core/base/result.h>
#include <portal-core/store/store.h>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Portal::Engine {

inline constexpr qsizetype kMaxConfigurationBytes = 4 * 1024 * 1024;
inline constexpr int kMaxConfigurationEntries = 10000;
inline constexpr qsizetype kMaxCsvBytes = 4 * 1024 * 1024;
inline constexpr int kMaxCsvRows = 20000;
inline constexpr qsizetype kMaxCsvLineBytes = 1024;

// {"format": "iot-portal-configuration", "version": 1, "templates": [{"name", "spec"}],
//  "classes": [{"name", "vendor", "type", "subscriber", "priority", "template", "sharing",
//  "capacity", "enrolment"}], "policies": [{"name", "document"}]}
Result<QJsonObject> exportConfiguration(const Store::Store &store);

struct ImportSummary
{
    int templates = 0;
    int classes = 0;
    int policies = 0;
};
Result<ImportSummary> importConfiguration(Store::Store &store, const QByteArray &json,
                                          const QString &actor);

// What a template must satisfy to be saved: a valid name, bounded fields, user data
// ≤ 48 KiB, and a Puppet part that renders.
Result<void> checkTemplate(const Store::VmTemplate &vmTemplate);

// One device registered in a class ahead of its first attach, with its P-256 public key
// (base64 of the 65-byte uncompressed point). Audited as actor's `device.register`.
Result<void> preregisterDevice(Store::Store &store, const QString &deviceId,
                               const QString &className, const QString &publicKeyBase64,
                               const QString &actor);

struct CsvRowOutcome
{
    int line = 0; // 1-based, in the file
    QString deviceId;
    bool registered = false;
    QString message; // why it was refused, or "registered"
};
// Lines "device_id,class,public_key"; a first line naming those columns is a header; empty
// lines and lines starting with '#' are skipped. Only a file over the bounds fails whole.
Result<QList<CsvRowOutcome>> preregisterDevicesFromCsv(Store::Store &store, const QByteArray &csv,
                                                       const QString &actor);

} // namespace Portal::Engine
