// libxml2's streaming reader (xmlTextReader) and parser options, for HukouIO's XML input.
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
