#pragma once
// iot-portal: the operator's desktop application (DESIGN §2). `iot-portal [--database SPEC]
// [--refresh-ms N] [--pki-dir DIR] [--language fi|de|en]` opens the portal store (SQLite file
// or postgresql://…) and shows the main window. Exit codes: 0, 2 bad usage, 3 cannot open the
// database or the PKI folder.

#include <QString>
#include <QStringList>

class QTranslator;

namespace Portal::Gui {

// The languages iot-portal is translated to, besides English.
QStringList availableLanguages();
// Installs the translation for language ("fi", "de"; "en" or unknown: none; empty: the
// system locale's) into the application; the translator is parented to the application.
// False when no translation was installed.
bool installTranslation(const QString &language);

int runPortalApp(int argc, char *argv[]);

} // namespace Portal::Gui
