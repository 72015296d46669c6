#pragma once
// The Puppet manifest of an instance, rendered from its VM template (DESIGN §5).
//
// The template's "puppet" object:
//   classes   [{"name": "ntp", "parameters": {"servers": ["a", "b"]}}]   class { 'ntp': … }
//   packages  ["chrony"]                                                 package { …: installed }
//   files     [{"path": "/etc/x", "content": "…", "mode": "0644"}]       file { …: ensure => file }
//   services  [{"name": "chrony", "ensure": "running", "enable": true}]   service { … }
//   modules   {"portal/manifests/init.pp": "class portal { … }"}         uploaded under modules/
// The engine adds files of its own (the M2M service configuration with its device list, the
// portal CA) as extraFiles. Everything the template supplies is validated and quoted; nothing
// from it is pasted into the manifest as code except module files, which are Puppet code by
// nature and are the template author's (an admin's) responsibility.
//
// Bounds: the rendered manifest and each file's content ≤ kMaxManifestBytes, at most
// kMaxEntries of each kind, names and paths ≤ 255 characters.
// Errors: `puppet.invalid_template`, naming the offending key.

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Portal::Provisioning {

struct ManagedFile
{
    QString path; // absolute
    QByteArray content;
    QString mode = QStringLiteral("0644");
};

struct RenderedManifest
{
    QByteArray sitePp;                     // the manifest `puppet apply` runs
    QMap<QString, QByteArray> moduleFiles; // path under modules/ → content
    bool hasContent = false; // false: the template asks Puppet for nothing (extraFiles aside)
};

inline constexpr qsizetype kMaxManifestBytes = 1024 * 1024;
inline constexpr int kMaxEntries = 256;

// templateSpec is the whole template (its "puppet" key is read); title names the manifest in
// its header comment (e.g. "instance 7 from template meters-vm").
// extraDirectories (absolute) are made before the files, in the order given.
Result<RenderedManifest> renderManifest(const QJsonObject &templateSpec, const QString &title,
                                        const QList<ManagedFile> &extraFiles = {},
                                        const QStringList &extraDirectories = {});

// A Puppet single-quoted string literal of text.
QString puppetQuote(const QString &text);

} // namespace Portal::Provisioning
