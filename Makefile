# vortexd — build, run, test, bench, install. Needs a JDK >= 21 and Maven; finds the JDK itself.
SHELL := /bin/bash
.DEFAULT_GOAL := build

# JAVA_HOME if it is >= 21, else the newest JDK >= 21 under /usr/lib/jvm.
JDK := $(shell \
  major() { v=$$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$$1/release" 2>/dev/null); \
            [ -n "$$v" ] || v=$$("$$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p'); \
            echo "$${v:-0}"; }; \
  if [ -n "$$JAVA_HOME" ] && [ -x "$$JAVA_HOME/bin/javac" ] && [ "$$(major "$$JAVA_HOME")" -ge 21 ]; then echo "$$JAVA_HOME"; exit; fi; \
  best=; bestv=0; for d in /usr/lib/jvm/*; do [ -x "$$d/bin/javac" ] || continue; v=$$(major "$$d"); \
    if [ "$$v" -ge 21 ] && [ "$$v" -gt "$$bestv" ]; then best=$$d; bestv=$$v; fi; done; echo "$$best")
ifeq ($(strip $(JDK)),)
  $(error vortexd needs a JDK >= 21 (with javac): set JAVA_HOME to one, or install one under /usr/lib/jvm, e.g. apt-get install openjdk-21-jdk-headless)
endif
export JAVA_HOME := $(JDK)
JAVA := $(JDK)/bin/java
MVN := mvn -B -q
ifeq ($(shell command -v mvn),)
  $(error vortexd needs Maven (mvn) on PATH, e.g. apt-get install maven)
endif

JAR := target/vortexd.jar
# The JVM options of make run and make bench (as in the unit) and the archive of classes they map at
# start: on JDK >= 25 an ahead-of-time cache (JEP 483/514: classes loaded and linked, method
# profiles), else a dynamic class-data sharing archive (README "Start-up").
JDK_MAJOR := $(shell sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(JDK)/release" 2>/dev/null)
# useNativeAccessorOnly: a reflective call (the JDK's SecureRandom provider lookup, the signal handlers)
# then generates no classes at its first use, on the start's path (README "Start-up")
JVM_OPTS := -XX:+UseSerialGC -Xms16m -Xmx256m -Djdk.reflect.useNativeAccessorOnly=true
ifeq ($(shell [ "0$(JDK_MAJOR)" -ge 25 ] && echo aot),aot)
  CDS := target/vortexd.aot
  CDS_OPTS := -XX:AOTCache=$(CDS)
else
  CDS := target/vortexd.jsa
  CDS_OPTS := -XX:SharedArchiveFile=$(CDS) -XX:+AutoCreateSharedArchive
endif
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)
ARGS ?=
PREFIX ?=
# make test fails below this line coverage (JaCoCo, whole project)
COVERAGE_MIN ?= 80

.PHONY: build run check-config print-config test bench soak install clean

build: $(JAR) $(CDS)

$(JAR): $(SOURCES)
	$(MVN) -DskipTests package

# Class-data sharing: a training start of the demo repository records the classes vortexd loads;
# make run and make bench map them instead of loading them again (README "Start-up"). A new jar
# re-makes the archive here; a stale one (other JDK) is ignored by the AOT cache's JVM and re-made
# at exit by the dynamic archive's (-XX:+AutoCreateSharedArchive).
$(CDS): $(JAR) src/main/sh/cds-train.sh
	src/main/sh/cds-train.sh $(JAVA) $(JAR) $(CDS) $(JVM_OPTS)

# Serves ./data/demo-config (created on first run) unless ARGS or VORTEX_* configure repositories.
# No --data-dir here: a flag would override the data-dir of ARGS='--config=FILE' (default ./data).
run: $(JAR) $(CDS)
	@echo "vortexd on http://127.0.0.1:8888 (ws://127.0.0.1:8889) — try, in another terminal:"
	@echo "  curl -s localhost:8888/demo/prod | python3 -m json.tool"
	@echo "  curl -s localhost:8888/demo-prod.yml"
	@echo "  curl -s localhost:8888/api/v1/repos | python3 -m json.tool"
	@echo "  curl -s -XPOST 'localhost:8888/api/v1/refresh?wait=10s'"
	@echo "  curl -s localhost:8888/metrics | grep ^vortex_"
	$(JAVA) $(JVM_OPTS) $(CDS_OPTS) -jar $(JAR) $(ARGS)

# Validates what `make run ARGS=…` would start with (file, VORTEX_* environment, flags): exit 0 or 78.
check-config: $(JAR)
	$(JAVA) -jar $(JAR) --check-config $(ARGS)

# The effective configuration with the source of every value, secrets redacted.
print-config: $(JAR)
	$(JAVA) -jar $(JAR) --print-config $(ARGS)

# Not quiet: Surefire's "Tests run: N, Failures: 0" summary is what CI reads.
test:
	mvn -B test
	@awk -F, -v min=$(COVERAGE_MIN) -f .ci/coverage.awk target/site/jacoco/jacoco.csv

# Benchmarks: figures with a baseline measured in the same run (see README "Measured").
bench: $(JAR) $(CDS)
	$(MVN) -Pbench -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
	$(JAVA) -Xmx2g -Dvortex.jvm-opts="$(JVM_OPTS) $(CDS_OPTS)" -cp target/test-classes:target/classes:$$(cat target/bench-classpath.txt) dev.vortex.bench.Bench $(BENCH)

# Soak: a daemon process under commits every 200 ms, webhooks, 2,000 WebSocket sessions that
# reconnect at random and HTTP load for 10 minutes; checks zero divergence and a flat heap and
# thread count (SOAK='1m 2000 400' = duration, sessions, HTTP requests/s).
soak: $(JAR)
	$(MVN) -Pbench -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
	$(JAVA) -Xmx1g -cp target/test-classes:target/classes:$$(cat target/bench-classpath.txt) dev.vortex.bench.Soak $(SOAK)

# PREFIX is a staging root (packaging): paths written into the unit are the final ones, without it.
# The unit runs the JDK this Makefile found (>= 21), not whatever /usr/bin/java is.
DOCS := README.md $(wildcard PROTOCOL.md)

install: $(JAR)
	install -D -m 0644 $(JAR) $(PREFIX)/usr/lib/vortex/vortexd.jar
	install -D -m 0755 src/main/sh/vortexd $(PREFIX)/usr/bin/vortexd
	install -d $(PREFIX)/etc/systemd/system
	@# JDK >= 25 and a cache trained on this jar (make build): the unit maps the AOT cache installed
	@# beside the jar instead of writing a dynamic archive to its cache directory.
	@if [ "$(CDS)" = target/vortexd.aot ] && [ target/vortexd.aot -nt $(JAR) ]; then \
	  install -m 0644 target/vortexd.aot $(PREFIX)/usr/lib/vortex/vortexd.aot; \
	  sed -e '/^Exec/s|/usr/bin/java |$(JAVA) |' \
	      -e 's|-XX:SharedArchiveFile=/var/cache/vortex/vortexd.jsa -XX:+AutoCreateSharedArchive|-XX:AOTCache=/usr/lib/vortex/vortexd.aot|' \
	      systemd/vortexd.service > $(PREFIX)/etc/systemd/system/vortexd.service; \
	else sed '/^Exec/s|/usr/bin/java |$(JAVA) |' systemd/vortexd.service > $(PREFIX)/etc/systemd/system/vortexd.service; fi
	chmod 0644 $(PREFIX)/etc/systemd/system/vortexd.service
	install -d $(PREFIX)/usr/share/doc/vortex
	install -m 0644 $(DOCS) $(PREFIX)/usr/share/doc/vortex/
	@if [ -e $(PREFIX)/etc/vortex/vortex.yml ]; then echo "kept existing $(PREFIX)/etc/vortex/vortex.yml"; \
	  else install -D -m 0644 etc/vortex.yml $(PREFIX)/etc/vortex/vortex.yml; fi
	@echo "the unit runs $(JAVA)"
	@if [ -z "$(PREFIX)" ] && command -v systemctl >/dev/null; then systemctl daemon-reload || true; \
	  echo "now: systemctl enable --now vortexd"; fi

clean:
	rm -rf target
