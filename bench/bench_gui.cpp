// The admin GUI at scale (issue 6): 100k devices and 10k gateways in a SQLite store. Measures
// the main window's time to first paint on the devices section, a refresh when nothing
// changed, one after a device changed, filtering and sorting the devices view, opening the
// gateways section, and the process's resident memory; each time beside the baseline of
// reading the same rows with a bare QSqlQuery in this run. Runs offscreen.

#include <app/portal/mainwindow.h>

#include <portal-core/store/store.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Portal;
using Section = Gui::MainWindow::Section;

namespace {

constexpr int kDevices = 100000;
constexpr int kGateways = 10000;
constexpr int kRuns = 5;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

long residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return 0;
}

bool seed(const QString &path)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("seed"));
    db.setDatabaseName(path);
    if (!db.open() || !db.transaction())
        return false;
    QSqlQuery query(db);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    query.prepare(QStringLiteral("INSERT INTO gateways (id, last_heartbeat_ms, version, "
                                 "device_count) VALUES (?, ?, '1.0', 10)"));
    for (int i = 0; i < kGateways; ++i) {
        query.addBindValue(QStringLiteral("gw-%1").arg(i, 5, 10, QLatin1Char('0')));
        query.addBindValue(now - (i % 3) * 60000);
        if (!query.exec())
            return false;
    }
    query.prepare(QStringLiteral("INSERT INTO devices (id, public_key, class_name, gateway_id, "
                                 "state, updated_ms) VALUES (?, ?, 'meters', ?, ?, ?)"));
    const QByteArray key(65, '\x04');
    for (int i = 0; i < kDevices; ++i) {
        query.addBindValue(QStringLiteral("%1").arg(i, 16, 16, QLatin1Char('0')));
        query.addBindValue(key);
        query.addBindValue(QStringLiteral("gw-%1").arg(i % kGateways, 5, 10, QLatin1Char('0')));
        query.addBindValue(i % 50 == 0 ? QStringLiteral("failed") : QStringLiteral("ready"));
        // Last changed a minute ago: outside the model's re-read margin (kChangeMarginMs), as
        // a fleet's rows are, so "one device changed" reads that one, not the whole seed.
        query.addBindValue(now - 60000);
        if (!query.exec())
            return false;
    }
    return db.commit();
}

template<typename Step>
double timeMs(Step step)
{
    QElapsedTimer timer;
    timer.start();
    step();
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portal.sqlite"));
    auto store = Store::Store::open(path);
    if (!store) {
        std::fprintf(stderr, "bench: %s\n", store.error().message.c_str());
        return 1;
    }
    Store::VmTemplate vmTemplate{QStringLiteral("small"), {}};
    Store::DeviceClass meters;
    meters.name = QStringLiteral("meters");
    meters.templateName = vmTemplate.name;
    if (!(*store)->upsertTemplate(vmTemplate) || !(*store)->upsertDeviceClass(meters) ||
        !seed(path)) {
        std::fprintf(stderr, "bench: seeding failed\n");
        return 1;
    }
    const long baseKiB = residentKiB();

    // Baseline: the device rows read by a bare query, every column the view shows.
    std::vector<double> baseline;
    for (int run = 0; run < kRuns; ++run) {
        baseline.push_back(timeMs([&] {
            QSqlQuery query(QSqlDatabase::database(QStringLiteral("seed")));
            query.exec(QStringLiteral("SELECT id, class_name, gateway_id, instance_id, state, "
                                      "revoked, updated_ms, reason FROM devices ORDER BY id"));
            int rows = 0;
            while (query.next())
                rows += query.value(0).toString().size() > 0;
            if (rows != kDevices)
                std::fprintf(stderr, "bench: read %d rows\n", rows);
        }));
    }
    const double base = median(baseline);

    QSettings().clear();
    std::unique_ptr<Gui::MainWindow> window;
    const double firstPaint = timeMs([&] {
        window = std::make_unique<Gui::MainWindow>(**store, path, 600000);
        window->showSection(Section::Devices);
        window->resize(1200, 800);
        window->show();
        (void)window->grab(); // paints every visible widget once
    });
    const long windowKiB = residentKiB();
    if (window->model(Section::Devices)->rowCount() != kDevices) {
        std::fprintf(stderr, "bench: the model holds %d rows\n",
                     window->model(Section::Devices)->rowCount());
        return 1;
    }

    std::vector<double> unchanged;
    std::vector<double> changed;
    std::vector<double> filter;
    std::vector<double> sort;
    for (int run = 0; run < kRuns; ++run) {
        unchanged.push_back(timeMs([&] { window->refresh(); }));
        auto device = (*store)->findDevice(QStringLiteral("%1").arg(run, 16, 16, QLatin1Char('0')));
        device->reason = QStringLiteral("bench %1").arg(run);
        (void)(*store)->updateDevice(*device);
        changed.push_back(timeMs([&] { window->refresh(); }));
        filter.push_back(timeMs([&] {
            window->filter(Section::Devices)->setText(QStringLiteral("00000000000001f"));
            QCoreApplication::processEvents();
        }));
        window->filter(Section::Devices)->clear();
        sort.push_back(timeMs([&] {
            QTableView *view = window->view(Section::Devices);
            view->sortByColumn(run % 2 ? 0 : 4, run % 2 ? Qt::AscendingOrder : Qt::DescendingOrder);
            QCoreApplication::processEvents();
        }));
    }
    const double gateways = timeMs([&] {
        window->showSection(Section::Gateways);
        (void)window->grab();
    });

    std::printf(
        "\nmeasure (%d devices, %d gateways; median of %d)         ms   baseline    ratio\n",
        kDevices, kGateways, kRuns);
    const auto row = [base](const char *name, double ms) {
        std::printf("%-52s %9.1f %10.1f %8.2f\n", name, ms, base, ms / base);
    };
    row("window: first paint of the devices section", firstPaint);
    row("refresh, nothing changed", median(unchanged));
    row("refresh after one device changed", median(changed));
    row("filter the devices view", median(filter));
    row("sort the devices view", median(sort));
    row("open the gateways section (10k rows)", gateways);
    std::printf("  baseline: SELECT of the %d device rows (the view's columns) with QSqlQuery\n",
                kDevices);
    std::printf("resident memory: %ld MiB with the window, %ld MiB before it (+%ld MiB)\n",
                windowKiB / 1024, baseKiB / 1024, (windowKiB - baseKiB) / 1024);
    return 0;
}
