# nsq-java: one image with every daemon (nsqd, nsqlookupd, nsqadmin) and the tools; the command
# picks the daemon, e.g. `bin/nsqd --data-path=/data`. Multi-stage: Maven builds the jars and
# jlink cuts a Java runtime holding only the modules the daemons use; the runtime stage only copies
# files in, so it needs no network.
#
# The two bases are build args, defaulting to the public images `docker-compose up` pulls:
#   BUILD_IMAGE    JDK 17 (with its jmods, for jlink) and Maven
#   RUNTIME_IMAGE  any glibc Linux with bash: the Java runtime comes from the build stage
# Without registry access, docker/build-bases.sh makes both from Debian packages (README, "Run it
# with Docker"); the legacy builder then needs --network host for Maven to reach its repository.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# The poms alone first, built with no sources: that downloads every dependency and plugin the
# build needs into a layer a source change reuses (dependency:go-offline stumbles on an optional
# artifact Central does not have).
COPY pom.xml ./
COPY common-protocol/pom.xml common-protocol/
COPY common-daemon/pom.xml common-daemon/
COPY common-cluster/pom.xml common-cluster/
COPY nsqd/pom.xml nsqd/
COPY nsqlookupd/pom.xml nsqlookupd/
COPY nsqadmin/pom.xml nsqadmin/
COPY client/pom.xml client/
COPY tools/pom.xml tools/
COPY integration-tests/pom.xml integration-tests/
COPY benchmarks/pom.xml benchmarks/
ARG MODULES=nsqd,nsqlookupd,nsqadmin,tools
RUN mvn -B -q -pl "$MODULES" -am -Dmaven.test.skip=true package && rm -rf */target
COPY . .
RUN mvn -B -q -pl "$MODULES" -am -Dmaven.test.skip=true package
# java.se because bin/* pass --add-modules java.se (Hazelcast's flags); jdk.unsupported for Netty
# and Hazelcast (Unsafe), jdk.management for Hazelcast's metrics, jdk.crypto.ec for TLS, jdk.jfr
# for profiling a running daemon. --strip-java-debug-attributes, not --strip-debug: on Linux that
# also strips native symbols with objcopy, which a build image may lack (Debian's minimal one does).
RUN jlink --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.naming.dns,jdk.jfr,jdk.zipfs \
      --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output /opt/java
# The layout bin/* expect (each module's jar and lib/), with every jar that several modules share
# stored once: hard links, which the COPY below keeps.
RUN set -e; mkdir -p /opt/nsq/shared; cp -r bin /opt/nsq/; \
    for m in nsqd nsqlookupd nsqadmin tools; do \
      mkdir -p /opt/nsq/$m/target/lib; cp $m/target/$m-*.jar /opt/nsq/$m/target/; \
      for j in $m/target/lib/*.jar; do \
        [ -f /opt/nsq/shared/${j##*/} ] || cp $j /opt/nsq/shared/; \
        ln /opt/nsq/shared/${j##*/} /opt/nsq/$m/target/lib/; \
      done; \
    done; \
    rm -rf /opt/nsq/shared

FROM ${RUNTIME_IMAGE}
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY --from=build /opt/java /opt/java
# the compose health check: bash's /dev/tcp, no curl needed
COPY docker/nsq-ping /usr/local/bin/nsq-ping
COPY --from=build /opt/nsq /opt/nsq
WORKDIR /opt/nsq
VOLUME /data
# NSQ's ports: nsqd TCP/HTTP, nsqlookupd TCP/HTTP, nsqadmin HTTP, Hazelcast (cluster mode)
EXPOSE 4150 4151 4160 4161 4171 5701
CMD ["bin/nsqd", "--data-path=/data"]
