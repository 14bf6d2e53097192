package io.peerpool.web;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.ServletWebRequest;

import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request's routing on the executor's thread that runs its handler's {@code Callable}, in the
 * order Spring MVC calls the interceptor: before concurrent handling on the request's thread, pre-
 * and post-process on the executor's. No server.
 */
class AsyncRequestRoutingTests {

	private final AsyncRequestRouting routing = new AsyncRequestRouting();

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	private final NativeWebRequest request = new ServletWebRequest(new MockHttpServletRequest("POST", "/items"));

	private final Callable<String> task = () -> "done";

	@AfterEach
	void stop() throws InterruptedException {
		PeerRouting.clear();
		this.executor.shutdownNow();
		this.executor.awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void theCallableRoutesAsTheRequestAndItsWritePinsTheRequest() throws Exception {
		AtomicInteger cookies = new AtomicInteger();
		RouteScope request = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD);
		request.onFirstWrite(cookies::incrementAndGet);
		this.routing.beforeConcurrentHandling(this.request, this.task);

		String seen = onExecutor(() -> {
			boolean replica = PeerRouting.wantsReplica(false);
			PeerRouting.recordWrite();
			return replica + " " + PeerRouting.wantsReplica(false);
		});

		assertThat(seen).as("read intent before the write, pinned after it").isEqualTo("true false");
		assertThat(request.hasWritten()).isTrue();
		assertThat(cookies).as("pin cookies set").hasValue(1);
		assertThat(this.executor.submit(() -> PeerRouting.current()).get(5, TimeUnit.SECONDS))
			.as("the executor's thread after the Callable")
			.isNull();
	}

	@Test
	void theCallablesPositionReachesTheRequest() throws Exception {
		RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD);
		this.routing.beforeConcurrentHandling(this.request, this.task);

		onExecutor(() -> String.valueOf(PeerRouting.recordWriteToken("main", "0-1-42")));

		assertThat(request.writeTokens()).containsEntry("main", "0-1-42");
	}

	@Test
	void aScopeAnEarlierTaskLeftOnTheThreadIsNotTheRequests() throws Exception {
		CompletableFuture.runAsync(() -> PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.EXPLICIT), this.executor).get();
		// a request without routing (outside the filter): nothing to carry
		this.routing.beforeConcurrentHandling(this.request, this.task);

		assertThat(onExecutor(() -> String.valueOf(PeerRouting.current()))).isEqualTo("null");
	}

	/** Runs {@code work} between pre- and post-process on the executor's thread, as Spring MVC runs the Callable. */
	private String onExecutor(Callable<String> work) throws Exception {
		return this.executor.submit(() -> {
			this.routing.preProcess(this.request, this.task);
			try {
				return work.call();
			}
			finally {
				this.routing.postProcess(this.request, this.task, null);
			}
		}).get(5, TimeUnit.SECONDS);
	}

}
