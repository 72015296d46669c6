#include "bootstrappinginfo.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace Portal::Gba {

namespace {
const QString kNamespace = QStringLiteral("uri:3gpp-gba");

Error malformed(const char *why)
{
    return makeError("gba.bad_bootstrapping_info", why);
}
} // namespace

QByteArray encodeBootstrappingInfo(const BootstrappingInfo &info)
{
    QByteArray xml;
    QXmlStreamWriter writer(&xml);
    writer.writeStartDocument();
    writer.writeDefaultNamespace(kNamespace);
    writer.writeStartElement(kNamespace, QStringLiteral("BootstrappingInfo"));
    writer.writeTextElement(kNamespace, QStringLiteral("btid"), info.btid);
    writer.writeTextElement(kNamespace, QStringLiteral("lifetime"),
                            info.lifetime.toUTC().toString(Qt::ISODate));
    writer.writeEndElement();
    writer.writeEndDocument();
    return xml;
}

Result<BootstrappingInfo> parseBootstrappingInfo(const QByteArray &xml)
{
    if (xml.size() > kMaxBootstrappingInfoBytes)
        return malformed("document too large");
    QXmlStreamReader reader(xml);
    BootstrappingInfo info;
    bool sawBtid = false;
    bool sawLifetime = false;
    int depth = 0;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::DTD)
            return malformed("DTDs are not accepted");
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (reader.namespaceUri() != kNamespace)
                return malformed("element outside namespace uri:3gpp-gba");
            if (depth == 1) {
                if (reader.name() != QLatin1String("BootstrappingInfo"))
                    return malformed("root element is not BootstrappingInfo");
                continue;
            }
            if (depth > 2)
                return malformed("unexpected nesting");
            const QString name = reader.name().toString();
            const QString text = reader.readElementText(QXmlStreamReader::ErrorOnUnexpectedElement);
            --depth;
            if (name == QLatin1String("btid")) {
                if (sawBtid || text.isEmpty() || text.toUtf8().size() > kMaxBtidBytes)
                    return malformed("btid missing, repeated or too long");
                info.btid = text;
                sawBtid = true;
            } else if (name == QLatin1String("lifetime")) {
                if (sawLifetime)
                    return malformed("lifetime repeated");
                info.lifetime = QDateTime::fromString(text, Qt::ISODate);
                if (!info.lifetime.isValid() || info.lifetime.timeSpec() == Qt::LocalTime)
                    return malformed("lifetime is not an xs:dateTime with a zone");
                // xs:dateTime may carry fractions (of a second, or of a minute in ISO 8601's
                // "15:00,5"); truncating keeps the promise of whole seconds and never extends
                // the key's life past what the BSF said.
                info.lifetime =
                    QDateTime::fromSecsSinceEpoch(info.lifetime.toSecsSinceEpoch(), Qt::UTC);
                sawLifetime = true;
            }
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        }
    }
    if (reader.hasError())
        return malformed("XML is not well-formed");
    if (!sawBtid || !sawLifetime)
        return malformed("btid or lifetime missing");
    return info;
}

} // namespace Portal::Gba
