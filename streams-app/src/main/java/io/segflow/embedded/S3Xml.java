package io.segflow.embedded;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** S3's XML: answers written as text, and the few request bodies (multi-delete, multipart completion) read. */
final class S3Xml {
    static final String HEADER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final XMLInputFactory INPUT = inputFactory();

    private final StringBuilder text = new StringBuilder(1024).append(HEADER);

    /** An answer whose root element is {@code root}, in S3's namespace. */
    static S3Xml document(String root) {
        S3Xml xml = new S3Xml();
        xml.text.append('<').append(root).append(" xmlns=\"").append(NAMESPACE).append("\">");
        return xml;
    }

    /** An error answer, whose root element S3 writes without a namespace. */
    static S3Xml error() {
        S3Xml xml = new S3Xml();
        xml.text.append("<Error>");
        return xml;
    }

    S3Xml open(String element) {
        text.append('<').append(element).append('>');
        return this;
    }

    S3Xml close(String element) {
        text.append("</").append(element).append('>');
        return this;
    }

    S3Xml element(String element, Object value) {
        if (value != null) {
            open(element);
            escape(String.valueOf(value));
            close(element);
        }
        return this;
    }

    S3Xml element(String element, Instant time) {
        return element(element, TIME.format(time));
    }

    String end(String root) {
        close(root);
        return text.toString();
    }

    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> text.append("&lt;");
                case '>' -> text.append("&gt;");
                case '&' -> text.append("&amp;");
                case '"' -> text.append("&quot;");
                case '\'' -> text.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        text.append("&#").append((int) c).append(';');
                    } else {
                        text.append(c);
                    }
                }
            }
        }
    }

    /**
     * The leaf elements' text of each {@code item} element, in document order, as maps by element name; the first
     * map holds the leaves outside any item (such as a multi-delete's {@code Quiet}).
     */
    static List<Map<String, String>> items(byte[] body, String item) {
        List<Map<String, String>> items = new ArrayList<>();
        Map<String, String> outside = new HashMap<>();
        items.add(outside);
        Map<String, String> current = null;
        StringBuilder leaf = new StringBuilder();
        try {
            XMLStreamReader reader = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case XMLStreamReader.START_ELEMENT -> {
                        leaf.setLength(0);
                        if (reader.getLocalName().equals(item)) {
                            current = new HashMap<>();
                            items.add(current);
                        }
                    }
                    case XMLStreamReader.CHARACTERS, XMLStreamReader.CDATA -> leaf.append(reader.getText());
                    case XMLStreamReader.END_ELEMENT -> {
                        String name = reader.getLocalName();
                        if (name.equals(item)) {
                            current = null;
                        } else {
                            (current != null ? current : outside).putIfAbsent(name, leaf.toString().trim());
                        }
                        leaf.setLength(0);
                    }
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new S3Exception(400, "MalformedXML", "the XML you provided was not well-formed: " + e.getMessage());
        }
        return items;
    }

    private static XMLInputFactory inputFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return factory;
    }
}
