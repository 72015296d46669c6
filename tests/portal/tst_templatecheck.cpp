// "Validate against the cloud" in the template editor: without a cloud under Connections the
// editor says where to name one; against the real OpenStack lab (ctest label openstack,
// tst_templatecheck_openstack) a template's image, flavor and network are found, a missing
// flavor is named with the ones the cloud has, and the flavor picker is filled.

#include "tests/support/childwidget.h"
#include "tests/support/openstacklab.h"

#include <app/portal/editors.h>

#include <QCompleter>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QStringListModel>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;
using Testing::child;

namespace {

constexpr int kCloudTimeoutMs = 30000;

} // namespace

class TestTemplateCheck : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void withoutACloudItSaysWhereToNameOne();
    void labHasTheTemplatesParts();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store::Store> m_store;
};

void TestTemplateCheck::initTestCase()
{
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
}

void TestTemplateCheck::withoutACloudItSaysWhereToNameOne()
{
    QSettings().remove(QStringLiteral("cloud"));
    Gui::TemplateEditor editor(*m_store, std::nullopt);
    child<QLineEdit>(&editor, "name")->setText(QStringLiteral("lab-vm"));
    editor.validateAgainstCloud();
    QTRY_VERIFY(editor.cloudCheckText().startsWith(QLatin1String("Not checked")));
    QVERIFY2(editor.cloudCheckText().contains(QLatin1String("Connections")),
             qPrintable(editor.cloudCheckText()));
}

void TestTemplateCheck::labHasTheTemplatesParts()
{
    const QString clouds = Testing::openStackLabDirectory() + QStringLiteral("/clouds.yaml");
    if (qEnvironmentVariableIsEmpty("OSLAB_DIR") || !QFile::exists(clouds))
        QSKIP("needs the OpenStack lab: ctest -L openstack runs this with the lab's clouds.yaml");
    QSettings().setValue(QStringLiteral("cloud/file"), clouds);
    QSettings().setValue(QStringLiteral("cloud/name"), QStringLiteral("oslab-demo"));
    Gui::TemplateEditor editor(*m_store, std::nullopt);
    child<QLineEdit>(&editor, "name")->setText(QStringLiteral("lab-vm"));
    child<QLineEdit>(&editor, "image")->setText(QStringLiteral("cirros-fake"));
    child<QLineEdit>(&editor, "flavor")->setText(QStringLiteral("m1.tiny"));
    child<QLineEdit>(&editor, "network")->setText(QStringLiteral("lab-net"));
    child<QLineEdit>(&editor, "securityGroups")->setText(QStringLiteral("default"));
    editor.validateAgainstCloud();
    QTRY_VERIFY_WITH_TIMEOUT(!editor.cloudCheckText().startsWith(QLatin1String("Asking")),
                             kCloudTimeoutMs);
    QVERIFY2(editor.cloudCheckText().startsWith(QLatin1String("The cloud has all of it")),
             qPrintable(editor.cloudCheckText()));
    for (const char *part : {"image cirros-fake: found", "flavor m1.tiny: found",
                             "network lab-net: found", "security group default: found"})
        QVERIFY2(editor.cloudCheckText().contains(QLatin1String(part)),
                 qPrintable(editor.cloudCheckText()));
    // The pickers offer what the cloud has.
    const auto offered = [&](const char *field) {
        const QCompleter *completer = child<QLineEdit>(&editor, field)->completer();
        const auto *names =
            completer ? qobject_cast<const QStringListModel *>(completer->model()) : nullptr;
        return names ? names->stringList() : QStringList();
    };
    QVERIFY(offered("flavor").contains(QStringLiteral("m1.tiny")));
    QVERIFY2(offered("image").contains(QStringLiteral("cirros-fake")),
             qPrintable(offered("image").join(' ')));
    QVERIFY(offered("network").contains(QStringLiteral("lab-net")));
    QVERIFY(offered("securityGroups").contains(QStringLiteral("default")));
    QVERIFY(child<QLineEdit>(&editor, "keyName")->completer());

    child<QLineEdit>(&editor, "flavor")->setText(QStringLiteral("m9.huge"));
    child<QLineEdit>(&editor, "image")->setText(QStringLiteral("no-such-image"));
    child<QLineEdit>(&editor, "keyName")->setText(QStringLiteral("no-such-key"));
    editor.validateAgainstCloud();
    QTRY_VERIFY_WITH_TIMEOUT(!editor.cloudCheckText().startsWith(QLatin1String("Asking")),
                             kCloudTimeoutMs);
    QVERIFY2(editor.cloudCheckText().startsWith(QLatin1String("The cloud lacks some")),
             qPrintable(editor.cloudCheckText()));
    QVERIFY2(editor.cloudCheckText().contains(QLatin1String("flavor m9.huge: not found: the "
                                                            "cloud has")) &&
                 editor.cloudCheckText().contains(QLatin1String("m1.tiny")),
             qPrintable(editor.cloudCheckText()));
    QVERIFY2(editor.cloudCheckText().contains(QLatin1String("image no-such-image: not found")),
             qPrintable(editor.cloudCheckText()));
    QVERIFY2(editor.cloudCheckText().contains(QLatin1String("key pair no-such-key: not found")),
             qPrintable(editor.cloudCheckText()));
}

QTEST_MAIN(TestTemplateCheck)
#include "tst_templatecheck.moc"
