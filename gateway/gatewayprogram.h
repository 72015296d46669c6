#pragma once
// iot-gateway's command line. Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage or
// config, 3 cannot start (USIM, state directory, CA file).

#include <QStringList>

namespace Portal::Gateway {

int runGatewayProgram(const QStringList &arguments);

} // namespace Portal::Gateway
