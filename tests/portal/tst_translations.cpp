// iot-portal's Finnish and German translations: compiled into the GUI library, chosen by
// language code or the system locale, and really used by the window (its sidebar, menus and
// status bar change language). Completeness (no unfinished or missing entries) is checked by
// scripts/check-translations over lupdate's output.

#include <app/portal/mainwindow.h>
#include <app/portal/portalapp.h>

#include <QApplication>
#include <QListWidget>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <memory>

using namespace Portal;

class TestTranslations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void windowSpeaksTheLanguage_data();
    void windowSpeaksTheLanguage();
    void englishNeedsNoTranslation();
    void cleanup();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store::Store> m_store;
};

void TestTranslations::initTestCase()
{
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    QCOMPARE(Gui::availableLanguages(), (QStringList{"fi", "de"}));
}

void TestTranslations::windowSpeaksTheLanguage_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("fi") << "fi";
    QTest::newRow("de") << "de";
}

void TestTranslations::windowSpeaksTheLanguage()
{
    QFETCH(QString, language);
    QVERIFY(Gui::installTranslation(language));
    Gui::MainWindow window(*m_store, QStringLiteral("portal.sqlite"), 1000);
    // "Gateways" is German too: the device classes' title differs in both languages.
    const QString title =
        window.findChild<QListWidget *>(QStringLiteral("sidebar"))->item(2)->text();
    QVERIFY2(!title.isEmpty() && title != QLatin1String("Device classes"), qPrintable(title));
    const QString menu = window.menuBar()->actions().value(1)->text();
    QVERIFY2(menu != QLatin1String("&Settings"), qPrintable(menu));
    QVERIFY2(!window.liveStateText().contains(QLatin1String("Devices")),
             qPrintable(window.liveStateText()));
}

void TestTranslations::englishNeedsNoTranslation()
{
    QVERIFY(!Gui::installTranslation(QStringLiteral("en")));
    Gui::MainWindow window(*m_store, QStringLiteral("portal.sqlite"), 1000);
    QCOMPARE(window.findChild<QListWidget *>(QStringLiteral("sidebar"))->item(2)->text(),
             QStringLiteral("Device classes"));
}

void TestTranslations::cleanup()
{
    for (QTranslator *translator : qApp->findChildren<QTranslator *>()) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
