#include "portfile.h"

#include <QSaveFile>

namespace Portal::Runtime {

Result<void> writePortFile(const QString &path, quint16 port)
{
    QSaveFile file(path);
    const QByteArray text = QByteArray::number(port) + '\n';
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        return makeError("runtime.port_file", "cannot write port file " + path.toStdString() +
                                                  ": " + file.errorString().toStdString());
    return {};
}

} // namespace Portal::Runtime
