# Makefile - top-level build driver
#
# On first use this generates the per-directory Makefiles through
# Makefile.init (which runs makedefs); after that it builds through them.
# To change the build options: make makefiles CCARGS='...' AUXLIBS='...'.
#
# Targets: all (default), test, unit-test, system-test, install, clean, tidy,
# postconf5 (man/man5/postconf.5), html (html/: the documentation pages).

SHELL = /bin/sh

# Libraries first, in dependency order, then programs.
LIB_DIRS = src/util src/global src/master
# smtpd (issue 7): the resolver library (dns helper)
LIB_DIRS += src/dns
# TLS and SASL (issue 9)
LIB_DIRS += src/tls src/xsasl
PROG_DIRS = src/postconf src/postmap src/postalias src/postfix src/postlogd src/postlog src/trivial-rewrite src/postcat src/cleanup src/postdrop src/sendmail src/pickup
# Delivery (issue 6): one line per part (uncomment when the directory builds)
PROG_DIRS += src/qmgr
PROG_DIRS += src/local
PROG_DIRS += src/bounce
PROG_DIRS += src/showq src/postqueue src/postsuper
PROG_DIRS += src/virtual src/pipe
PROG_DIRS += src/error src/discard
PROG_DIRS += src/flush
# smtpd (issue 7): one line per part (uncomment when the directory builds)
PROG_DIRS += src/smtpd
PROG_DIRS += src/anvil
PROG_DIRS += src/smtpstone
# smtp client (issue 8)
PROG_DIRS += src/smtp
DIRS = $(LIB_DIRS) $(PROG_DIRS)

PYTEST = /usr/bin/python3 -m pytest

all:
	@$(MAKE) -s -f Makefile.init update
	@set -e; for d in $(DIRS); do $(MAKE) -C $$d all; done

makefiles Makefiles:
	$(MAKE) -f Makefile.init makefiles

test: all
	@sh tests/run-all

unit-test: all
	@sh tests/run-unit

system-test: all
	@sh tests/run-system

install: all
	sh postfix-install

check-banned:
	@sh tests/check-banned

# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS.
fuzz:
	@$(MAKE) -s -f Makefile.init update
	@FUZZ_SECONDS="$(FUZZ_SECONDS)" sh tests/run-fuzz

.PHONY: fuzz

# postconf(5) is generated from the parameter table and man/postconf/*.in.
postconf5: all
	@/usr/bin/python3 tools/mkpostconf5

# html/ (not in the source tree) holds the man pages rendered by mandoc,
# the README_FILES as pages, and an index; postfix-install builds it too
# when html_directory is not "no". Another directory: make html HTMLDIR=...
HTMLDIR = html
html:
	@/usr/bin/python3 tools/manhtml $(HTMLDIR)

clean:
	@for d in $(DIRS); do [ -f $$d/Makefile ] && $(MAKE) -C $$d clean; done; true
	rm -rf bin libexec lib

tidy: clean
	rm -f makedefs.out src/*/Makefile
	rm -rf tests/__pycache__ tests/.pytest_cache .pytest_cache

.PHONY: all makefiles Makefiles test unit-test system-test install \
	check-banned html postconf5 clean tidy
