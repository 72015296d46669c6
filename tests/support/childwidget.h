#pragma once
// GUI tests find a window's parts by object name, as an operator's eye finds them by label.

#include <QObject>
#include <QString>

namespace Portal::Testing {

// The descendant of parent called name, or null.
template<typename Widget>
Widget *child(QObject *parent, const char *name)
{
    return parent->findChild<Widget *>(QLatin1String(name));
}

} // namespace Portal::Testing
