#pragma once
// iot-portal: the operator's desktop application (DESIGN §2). `iot-portal [--database SPEC]
// [--refresh-ms N]` opens the portal store (SQLite file or postgresql://…) and shows the main
// window. Exit codes: 0, 2 bad usage, 3 cannot open the database.

namespace Portal::Gui {

int runPortalApp(int argc, char *argv[]);

} // namespace Portal::Gui
