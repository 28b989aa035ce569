/* usb_event: parsing of host event specs (see usb_event.h). */
#include "usb_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	usb_event_kind_t kind;
	int needs_arg;
} usb_event_kinds[] = {
	{ "reset", USB_EVENT_RESET, 0 },
	{ "set-config", USB_EVENT_SET_CONFIG, 0 },
	{ "set-interface", USB_EVENT_SET_INTERFACE, 0 },
	{ "clear-halt:in", USB_EVENT_CLEAR_HALT_IN, 0 },
	{ "clear-halt:out", USB_EVENT_CLEAR_HALT_OUT, 0 },
	{ "clear-halt:notify", USB_EVENT_CLEAR_HALT_NOTIFY, 0 },
	{ "suspend", USB_EVENT_SUSPEND, 1 },
	{ "unplug", USB_EVENT_UNPLUG, 0 },
	{ "probe", USB_EVENT_PROBE, 0 },
	{ "ping", USB_EVENT_PING, 0 },
};

const char *usb_event_kind_name(usb_event_kind_t kind)
{
	for (size_t i = 0; i < sizeof usb_event_kinds / sizeof usb_event_kinds[0]; i++)
		if (usb_event_kinds[i].kind == kind)
			return usb_event_kinds[i].name;
	return "?";
}

int usb_event_parse(const char *spec, usb_event_t *ev, char *err, size_t err_len)
{
	char buf[48], *at;
	memset(ev, 0, sizeof *ev);
	if (strlen(spec) >= sizeof buf)
		goto bad;
	strcpy(buf, spec);
	strcpy(ev->spec, spec);
	at = strchr(buf, '@');
	if (at) {
		*at++ = 0;
		char *end;
		if (!strncmp(at, "out:", 4))
			ev->trigger = USB_EVENT_AT_OUT_BYTES;
		else if (!strncmp(at, "ms:", 3))
			ev->trigger = USB_EVENT_AT_MS;
		else if (!strncmp(at, "write:", 6))
			ev->trigger = USB_EVENT_AT_WRITES;
		else if (!strncmp(at, "spi:", 4))
			ev->trigger = USB_EVENT_AT_SPI_BYTES;
		else
			goto bad;
		at = strchr(at, ':') + 1;
		if (*at == '+') {
			ev->relative = 1;
			at++;
		}
		ev->at = strtod(at, &end);
		if (!*at || *end || ev->at < 0)
			goto bad;
	}
	for (size_t i = 0; i < sizeof usb_event_kinds / sizeof usb_event_kinds[0]; i++) {
		const char *name = usb_event_kinds[i].name;
		size_t n = strlen(name);
		if (usb_event_kinds[i].needs_arg) {
			if (strncmp(buf, name, n) || buf[n] != ':')
				continue;
			char *end;
			unsigned long v = strtoul(buf + n + 1, &end, 10);
			if (!buf[n + 1] || *end || v == 0 || v > 60000)
				goto bad;
			ev->arg = (uint32_t)v;
		} else if (strcmp(buf, name)) {
			continue;
		}
		ev->kind = usb_event_kinds[i].kind;
		return 0;
	}
bad:
	snprintf(err, err_len,
	         "--usb-event '%s': expected reset, set-config, set-interface, clear-halt:in|out|notify, suspend:<ms>, "
	         "unplug, probe or ping, optionally followed by @out:<bytes>, @ms:<simulated ms>, @write:<target writes> or "
	         "@spi:<programmer SPI bytes>",
	         spec);
	return -1;
}
