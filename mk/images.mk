# Container images: one image, `bourse`, for every job (images/bourse).
#
#   make podman        install podman (Debian) if missing; idempotent
#   make images        build localhost/bourse:$(IMAGE_TAG) (+ :latest)
#   make image-push    push it to $(IMAGE_REGISTRY) (set IMAGE_REGISTRY=host/org)
#   make test-pods     run the micro-batch pods for real (podman kube play)
#
# The binary is built here, outside any container (static: CGO_ENABLED=0),
# and COPY'd into a FROM scratch image: nothing is pulled from a registry.
# podman reads this project's own settings (tests/pods/containers.conf and
# storage.conf), never the machine's /etc/containers. With no podman but a
# reachable Docker engine, `make images CONTAINER_ENGINE=docker` works too.

IMAGE_NAME        ?= localhost/bourse
IMAGE_TAG         ?= $(subst +,-,$(VERSION))
IMAGE             := $(IMAGE_NAME):$(IMAGE_TAG)
IMAGE_REGISTRY    ?=
IMAGE_CTX         := .cache/images/bourse
CONTAINER_ENGINE  ?= podman
BOURSE_BIN        ?=
IMAGE_REVISION    := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# Reproducible timestamps: SOURCE_DATE_EPOCH if set, else the last commit's.
IMAGE_EPOCH       := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)
IMAGE_CREATED     := $(shell date -u -d @$(IMAGE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)

export CONTAINERS_CONF         ?= $(CURDIR)/tests/pods/containers.conf
export CONTAINERS_STORAGE_CONF ?= $(CURDIR)/tests/pods/storage.conf

.PHONY: podman images image-context image-push test-pods

podman:
	@if command -v podman >/dev/null && command -v runc >/dev/null && command -v catatonit >/dev/null; then \
	  podman --version; \
	else \
	  echo "podman: installing podman, runc, catatonit (Debian)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends podman runc catatonit; \
	fi

# image-context gathers the build context: the static binary (BOURSE_BIN, or
# built from ./cmd/bourse with the version stamped) and the host's CA bundle.
image-context:
	rm -rf $(IMAGE_CTX) && mkdir -p $(IMAGE_CTX)
	cp images/bourse/Containerfile $(IMAGE_CTX)/Containerfile
	@if [ -n "$(BOURSE_BIN)" ]; then \
	  echo "image: using BOURSE_BIN=$(BOURSE_BIN)"; cp "$(BOURSE_BIN)" $(IMAGE_CTX)/bourse; \
	else \
	  echo "$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(IMAGE_CTX)/bourse ./cmd/bourse"; \
	  CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(IMAGE_CTX)/bourse ./cmd/bourse; \
	fi
	@if file $(IMAGE_CTX)/bourse 2>/dev/null | grep -q 'dynamically linked'; then \
	  echo "image: $(IMAGE_CTX)/bourse is dynamically linked; FROM scratch needs a static binary (CGO_ENABLED=0)" >&2; exit 1; fi
	@if [ -r /etc/ssl/certs/ca-certificates.crt ]; then \
	  cp /etc/ssl/certs/ca-certificates.crt $(IMAGE_CTX)/ca-certificates.crt; \
	else \
	  echo "image: no /etc/ssl/certs/ca-certificates.crt on this host; the image gets an empty CA bundle (no TLS to public CAs)"; \
	  : > $(IMAGE_CTX)/ca-certificates.crt; \
	fi

images: $(if $(filter podman,$(CONTAINER_ENGINE)),podman) image-context
	$(CONTAINER_ENGINE) build \
	  $(if $(filter podman,$(CONTAINER_ENGINE)),--timestamp $(IMAGE_EPOCH)) \
	  --build-arg VERSION=$(VERSION) \
	  --build-arg REVISION=$(IMAGE_REVISION) \
	  --build-arg CREATED=$(IMAGE_CREATED) \
	  -t $(IMAGE) -t $(IMAGE_NAME):latest \
	  -f $(IMAGE_CTX)/Containerfile $(IMAGE_CTX)
	$(CONTAINER_ENGINE) image prune -f >/dev/null
	$(CONTAINER_ENGINE) run --rm $(IMAGE) version

image-push:
	@if [ -z "$(IMAGE_REGISTRY)" ]; then echo "image-push: set IMAGE_REGISTRY=host[:port]/org" >&2; exit 2; fi
	$(CONTAINER_ENGINE) tag $(IMAGE) $(IMAGE_REGISTRY)/bourse:$(IMAGE_TAG)
	$(CONTAINER_ENGINE) push $(IMAGE_REGISTRY)/bourse:$(IMAGE_TAG)

test: test-pods

# test-pods renders the DAGs' pods with the operator, rewrites them for this
# machine (host network, local image, host directory for the PVC, local
# broker) and runs them with `podman kube play`. BOURSE_REQUIRE_PODS=1 (set
# under CI) turns a missing podman or broker into a failure, never a skip.
test-pods: images venv kafka-up kcat
	BOURSE_IMAGE=$(IMAGE) BOURSE_KAFKA_BROKERS=$(KAFKA_BROKERS) \
	BOURSE_REQUIRE_PODS=$(or $(BOURSE_REQUIRE_PODS),$(if $(CI),1,0)) \
	  $(VENV_PY) -m pytest -q tests/pods
