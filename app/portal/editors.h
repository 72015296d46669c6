#pragma once
// The admin GUI's editors for VM templates and device classes. Each checks what the operator
// typed the way the store and the engine will use it (a template's Puppet part is rendered, a
// class's template must exist), shows what is wrong inside the dialog and saves nothing until
// it is right; a valid entry is saved through the store and audited as the GUI's.

#include <portal-core/base/result.h>
#include <portal-core/store/store.h>

#include <QDialog>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace Portal::Gui {

class TemplateCloudCheck;

class TemplateEditor final : public QDialog
{
    Q_OBJECT
public:
    TemplateEditor(Store::Store &store, const std::optional<Store::VmTemplate> &existing,
                   QWidget *parent = nullptr);

    // The template as typed, or why it cannot be saved.
    Result<Store::VmTemplate> templateFromInput() const;
    QString errorText() const;

    void accept() override;
    // Asks the cloud named under Connections for the image, flavor and network (asynchronous;
    // the answer is shown in the dialog and fills the flavor picker).
    void validateAgainstCloud();
    QString cloudCheckText() const;

private:
    void preview();

    Store::Store &m_store;
    QLineEdit *m_name;
    QLineEdit *m_image;
    QLineEdit *m_flavor;
    QLineEdit *m_network;
    QLineEdit *m_keyName;
    QLineEdit *m_securityGroups;
    QSpinBox *m_adminPort;
    QPlainTextEdit *m_userData;
    QPlainTextEdit *m_puppet;
    QPlainTextEdit *m_manifest;
    QLabel *m_cloudCheck;
    QLabel *m_error;
    TemplateCloudCheck *m_check = nullptr;
};

class ClassEditor final : public QDialog
{
    Q_OBJECT
public:
    ClassEditor(Store::Store &store, const std::optional<Store::DeviceClass> &existing,
                QWidget *parent = nullptr);

    Result<Store::DeviceClass> classFromInput() const;
    QString errorText() const;

    void accept() override;

private:
    Store::Store &m_store;
    QLineEdit *m_name;
    QLineEdit *m_vendor;
    QLineEdit *m_type;
    QLineEdit *m_subscriber;
    QSpinBox *m_priority;
    QComboBox *m_template;
    QComboBox *m_sharing;
    QSpinBox *m_capacity;
    QComboBox *m_enrolment;
    QLabel *m_error;
};

} // namespace Portal::Gui
