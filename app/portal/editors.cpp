#include "editors.h"

#include "templatecheck.h"

#include <portal-core/provisioning/puppetmanifest.h>

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Portal::Gui {

namespace {

QLabel *makeErrorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QStringLiteral("error"));
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b00020;"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QLineEdit *addLine(QWidget *parent, QFormLayout *form, const QString &label,
                   const QString &objectName, const QString &placeholder)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    form->addRow(label, edit);
    return edit;
}

Error invalid(const QString &text)
{
    return makeError("gui.invalid", text.toStdString());
}

} // namespace

TemplateEditor::TemplateEditor(Store::Store &store,
                               const std::optional<Store::VmTemplate> &existing, QWidget *parent)
    : QDialog(parent), m_store(store)
{
    setWindowTitle(existing ? tr("Edit VM template %1").arg(existing->name)
                            : tr("New VM template"));
    auto *form = new QFormLayout;
    const auto line = [this, form](const QString &label, const QString &objectName,
                                   const QString &placeholder) {
        return addLine(this, form, label, objectName, placeholder);
    };
    m_name = line(tr("&Name:"), QStringLiteral("name"), tr("letters, digits, . _ -"));
    m_image = line(tr("&Image:"), QStringLiteral("image"), tr("Glance image name or id"));
    m_flavor = line(tr("&Flavor:"), QStringLiteral("flavor"), tr("Nova flavor name or id"));
    m_network = line(tr("Net&work:"), QStringLiteral("network"), tr("name, id, or none"));
    m_keyName = line(tr("&Key pair:"), QStringLiteral("keyName"), tr("optional"));
    m_securityGroups =
        line(tr("&Security groups:"), QStringLiteral("securityGroups"), tr("comma separated"));
    m_adminPort = new QSpinBox(this);
    m_adminPort->setObjectName(QStringLiteral("adminPort"));
    m_adminPort->setRange(0, 65535);
    m_adminPort->setSpecialValueText(tr("default (8443)"));
    form->addRow(tr("Service &port:"), m_adminPort);
    m_userData = new QPlainTextEdit(this);
    m_userData->setObjectName(QStringLiteral("userData"));
    m_userData->setPlaceholderText(tr("cloud-init user data (optional)"));
    m_userData->setTabChangesFocus(true);
    form->addRow(tr("&User data:"), m_userData);
    m_puppet = new QPlainTextEdit(this);
    m_puppet->setObjectName(QStringLiteral("puppet"));
    m_puppet->setPlaceholderText(
        tr("Puppet as JSON: {\"classes\": [...], \"packages\": [...], \"files\": [...], "
           "\"services\": [...]}"));
    m_puppet->setTabChangesFocus(true);
    form->addRow(tr("&Puppet:"), m_puppet);
    m_manifest = new QPlainTextEdit(this);
    m_manifest->setObjectName(QStringLiteral("manifest"));
    m_manifest->setReadOnly(true);
    m_manifest->setPlaceholderText(tr("Preview shows the rendered manifest here."));
    form->addRow(tr("Manifest:"), m_manifest);
    m_error = makeErrorLabel(this);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    QPushButton *previewButton =
        buttons->addButton(tr("P&review manifest"), QDialogButtonBox::ActionRole);
    previewButton->setObjectName(QStringLiteral("preview"));
    connect(previewButton, &QPushButton::clicked, this, &TemplateEditor::preview);
    QPushButton *validateButton =
        buttons->addButton(tr("&Validate against the cloud"), QDialogButtonBox::ActionRole);
    validateButton->setObjectName(QStringLiteral("validateCloud"));
    connect(validateButton, &QPushButton::clicked, this, &TemplateEditor::validateAgainstCloud);
    m_cloudCheck = new QLabel(this);
    m_cloudCheck->setObjectName(QStringLiteral("cloudCheck"));
    m_cloudCheck->setWordWrap(true);
    m_cloudCheck->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(buttons, &QDialogButtonBox::accepted, this, &TemplateEditor::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &TemplateEditor::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_cloudCheck);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    if (existing) {
        const QJsonObject &spec = existing->spec;
        m_name->setText(existing->name);
        m_name->setReadOnly(true);
        m_image->setText(spec.value(QStringLiteral("image")).toString());
        m_flavor->setText(spec.value(QStringLiteral("flavor")).toString());
        m_network->setText(spec.value(QStringLiteral("network")).toString());
        m_keyName->setText(spec.value(QStringLiteral("keyName")).toString());
        QStringList groups;
        for (const QJsonValue &group : spec.value(QStringLiteral("securityGroups")).toArray())
            groups.append(group.toString());
        m_securityGroups->setText(groups.join(QLatin1String(", ")));
        m_adminPort->setValue(spec.value(QStringLiteral("adminPort")).toInt());
        m_userData->setPlainText(spec.value(QStringLiteral("userData")).toString());
        if (spec.contains(QStringLiteral("puppet")))
            m_puppet->setPlainText(QString::fromUtf8(
                QJsonDocument(spec.value(QStringLiteral("puppet")).toObject()).toJson()));
    }
}

Result<Store::VmTemplate> TemplateEditor::templateFromInput() const
{
    Store::VmTemplate vmTemplate;
    vmTemplate.name = m_name->text().trimmed();
    if (!Store::isValidName(vmTemplate.name))
        return invalid(tr("The name must be 1 to 64 letters, digits, dots, underscores or "
                          "dashes."));
    for (const auto &[key, edit] :
         {std::pair{"image", m_image}, std::pair{"flavor", m_flavor},
          std::pair{"network", m_network}, std::pair{"keyName", m_keyName}}) {
        const QString value = edit->text().trimmed();
        if (value.size() > 255)
            return invalid(tr("%1 is longer than 255 characters.").arg(QLatin1String(key)));
        if (!value.isEmpty())
            vmTemplate.spec.insert(QLatin1String(key), value);
    }
    QJsonArray groups;
    for (const QString &group :
         m_securityGroups->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!group.trimmed().isEmpty())
            groups.append(group.trimmed());
    if (!groups.isEmpty())
        vmTemplate.spec.insert(QStringLiteral("securityGroups"), groups);
    if (m_adminPort->value() != 0)
        vmTemplate.spec.insert(QStringLiteral("adminPort"), m_adminPort->value());
    const QString userData = m_userData->toPlainText();
    if (userData.toUtf8().size() > 48 * 1024)
        return invalid(tr("The user data is over 48 KiB; Nova takes at most 64 KiB in base64."));
    if (!userData.isEmpty())
        vmTemplate.spec.insert(QStringLiteral("userData"), userData);
    const QString puppetText = m_puppet->toPlainText().trimmed();
    if (!puppetText.isEmpty()) {
        QJsonParseError parsed;
        const QJsonDocument document = QJsonDocument::fromJson(puppetText.toUtf8(), &parsed);
        if (parsed.error != QJsonParseError::NoError || !document.isObject())
            return invalid(tr("Puppet must be a JSON object: %1 at character %2.")
                               .arg(parsed.errorString())
                               .arg(parsed.offset));
        vmTemplate.spec.insert(QStringLiteral("puppet"), document.object());
        if (auto rendered = Provisioning::renderManifest(vmTemplate.spec, vmTemplate.name);
            !rendered)
            return invalid(tr("Puppet: %1").arg(QString::fromStdString(rendered.error().message)));
    }
    return vmTemplate;
}

QString TemplateEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void TemplateEditor::validateAgainstCloud()
{
    if (m_check)
        return;
    auto vmTemplate = templateFromInput();
    if (!vmTemplate)
        return showError(m_error, QString::fromStdString(vmTemplate.error().message));
    QSettings settings;
    m_check = new TemplateCloudCheck(settings.value(QStringLiteral("cloud/file")).toString(),
                                     settings.value(QStringLiteral("cloud/name")).toString(), this);
    m_cloudCheck->setText(tr("Asking the cloud…"));
    m_check->check(vmTemplate->spec, [this](const Result<TemplateCloudCheck::Report> &report) {
        if (!report) {
            m_cloudCheck->setText(
                tr("Not checked: %1").arg(QString::fromStdString(report.error().message)));
        } else {
            m_cloudCheck->setText(
                (report->allFound ? tr("The cloud has all of it:") : tr("The cloud lacks some:")) +
                QStringLiteral("\n") + report->lines.join(QLatin1Char('\n')));
            for (const auto &[edit, names] :
                 {std::pair{m_flavor, report->flavors}, std::pair{m_image, report->images},
                  std::pair{m_network, report->networks}, std::pair{m_keyName, report->keyPairs},
                  std::pair{m_securityGroups, report->securityGroups}})
                edit->setCompleter(new QCompleter(names, edit));
        }
        m_check->deleteLater();
        m_check = nullptr;
    });
}

QString TemplateEditor::cloudCheckText() const
{
    return m_cloudCheck->text();
}

void TemplateEditor::preview()
{
    auto vmTemplate = templateFromInput();
    if (!vmTemplate)
        return showError(m_error, QString::fromStdString(vmTemplate.error().message));
    auto rendered = Provisioning::renderManifest(vmTemplate->spec, vmTemplate->name);
    if (!rendered)
        return showError(m_error, QString::fromStdString(rendered.error().message));
    showError(m_error, QString());
    m_manifest->setPlainText(rendered->hasContent
                                 ? QString::fromUtf8(rendered->sitePp)
                                 : tr("(no Puppet content: configuring will be skipped)"));
}

void TemplateEditor::accept()
{
    auto vmTemplate = templateFromInput();
    if (!vmTemplate)
        return showError(m_error, QString::fromStdString(vmTemplate.error().message));
    if (auto saved = m_store.upsertTemplate(*vmTemplate); !saved)
        return showError(m_error, tr("The store refused the template: %1")
                                      .arg(QString::fromStdString(saved.error().message)));
    (void)m_store.audit(m_store.operatorName(QStringLiteral("gui")),
                        QStringLiteral("template.save"),
                        QStringLiteral("template:") + vmTemplate->name);
    QDialog::accept();
}

ClassEditor::ClassEditor(Store::Store &store, const std::optional<Store::DeviceClass> &existing,
                         QWidget *parent)
    : QDialog(parent), m_store(store)
{
    setWindowTitle(existing ? tr("Edit device class %1").arg(existing->name)
                            : tr("New device class"));
    auto *form = new QFormLayout;
    const auto line = [this, form](const QString &label, const QString &objectName,
                                   const QString &placeholder) {
        return addLine(this, form, label, objectName, placeholder);
    };
    m_name = line(tr("&Name:"), QStringLiteral("name"), tr("letters, digits, . _ -"));
    m_vendor = line(tr("&Vendor:"), QStringLiteral("vendor"), tr("empty matches any"));
    m_type = line(tr("&Type:"), QStringLiteral("type"), tr("empty matches any"));
    m_subscriber = line(tr("S&ubscriber:"), QStringLiteral("subscriber"), tr("empty matches any"));
    m_priority = new QSpinBox(this);
    m_priority->setObjectName(QStringLiteral("priority"));
    m_priority->setRange(-1000000, 1000000);
    form->addRow(tr("&Priority:"), m_priority);
    m_template = new QComboBox(this);
    m_template->setObjectName(QStringLiteral("template"));
    if (auto templates = m_store.templates()) {
        for (const Store::VmTemplate &vmTemplate : *templates)
            m_template->addItem(vmTemplate.name);
    }
    form->addRow(tr("VM te&mplate:"), m_template);
    m_sharing = new QComboBox(this);
    m_sharing->setObjectName(QStringLiteral("sharing"));
    m_sharing->addItem(tr("shared"), int(Store::Sharing::Shared));
    m_sharing->addItem(tr("dedicated"), int(Store::Sharing::Dedicated));
    form->addRow(tr("S&haring:"), m_sharing);
    m_capacity = new QSpinBox(this);
    m_capacity->setObjectName(QStringLiteral("capacity"));
    m_capacity->setRange(1, 1000000);
    m_capacity->setValue(100);
    form->addRow(tr("&Capacity:"), m_capacity);
    connect(m_sharing, &QComboBox::currentIndexChanged, this, [this] {
        m_capacity->setEnabled(m_sharing->currentData().toInt() == int(Store::Sharing::Shared));
    });
    m_enrolment = new QComboBox(this);
    m_enrolment->setObjectName(QStringLiteral("enrolment"));
    m_enrolment->addItem(tr("preregistered"), int(Store::Enrolment::Preregistered));
    m_enrolment->addItem(tr("open (trust on first attach)"), int(Store::Enrolment::Open));
    form->addRow(tr("&Enrolment:"), m_enrolment);
    m_error = makeErrorLabel(this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &ClassEditor::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ClassEditor::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    if (existing) {
        m_name->setText(existing->name);
        m_name->setReadOnly(true);
        m_vendor->setText(existing->vendor);
        m_type->setText(existing->type);
        m_subscriber->setText(existing->subscriber);
        m_priority->setValue(existing->priority);
        m_template->setCurrentText(existing->templateName);
        m_sharing->setCurrentIndex(m_sharing->findData(int(existing->sharing)));
        m_capacity->setValue(existing->capacity);
        m_enrolment->setCurrentIndex(m_enrolment->findData(int(existing->enrolment)));
    }
}

Result<Store::DeviceClass> ClassEditor::classFromInput() const
{
    Store::DeviceClass deviceClass;
    deviceClass.name = m_name->text().trimmed();
    if (!Store::isValidName(deviceClass.name))
        return invalid(tr("The name must be 1 to 64 letters, digits, dots, underscores or "
                          "dashes."));
    deviceClass.vendor = m_vendor->text().trimmed();
    deviceClass.type = m_type->text().trimmed();
    deviceClass.subscriber = m_subscriber->text().trimmed();
    for (const QString *attribute :
         {&deviceClass.vendor, &deviceClass.type, &deviceClass.subscriber}) {
        if (attribute->size() > Store::kMaxAttributeChars)
            return invalid(tr("Vendor, type and subscriber are at most %1 characters.")
                               .arg(Store::kMaxAttributeChars));
    }
    deviceClass.priority = m_priority->value();
    deviceClass.templateName = m_template->currentText();
    if (deviceClass.templateName.isEmpty())
        return invalid(tr("Choose a VM template; create one under VM templates first."));
    if (auto found = m_store.findTemplate(deviceClass.templateName); !found)
        return invalid(tr("The VM template %1 does not exist.").arg(deviceClass.templateName));
    deviceClass.sharing = Store::Sharing(m_sharing->currentData().toInt());
    deviceClass.capacity = m_capacity->value();
    deviceClass.enrolment = Store::Enrolment(m_enrolment->currentData().toInt());
    return deviceClass;
}

QString ClassEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ClassEditor::accept()
{
    auto deviceClass = classFromInput();
    if (!deviceClass)
        return showError(m_error, QString::fromStdString(deviceClass.error().message));
    if (auto saved = m_store.upsertDeviceClass(*deviceClass); !saved)
        return showError(m_error, tr("The store refused the class: %1")
                                      .arg(QString::fromStdString(saved.error().message)));
    (void)m_store.audit(m_store.operatorName(QStringLiteral("gui")), QStringLiteral("class.save"),
                        QStringLiteral("class:") + deviceClass->name);
    QDialog::accept();
}

} // namespace Portal::Gui
