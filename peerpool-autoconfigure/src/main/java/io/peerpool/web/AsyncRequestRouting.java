package io.peerpool.web;

import java.util.concurrent.Callable;

import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;

import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteScope;

/**
 * Carries a request's routing to the thread that runs its handler's {@code Callable} (also a
 * {@code WebAsyncTask} or a {@code StreamingResponseBody}): Spring MVC runs it on its task
 * executor after the request's thread left the handler, where no scope of the request is. Without
 * this, a GET handled that way read from a primary, and a POST's write set no pin cookie, so the
 * client's next read could miss it. The scope the request had when the handler returned (the
 * filter's, or an override's) goes on there, and is dropped when the {@code Callable} ends.
 */
public class AsyncRequestRouting implements CallableProcessingInterceptor {

	private static final String SCOPE_ATTRIBUTE = AsyncRequestRouting.class.getName() + ".scope";

	@Override
	public <T> void beforeConcurrentHandling(NativeWebRequest request, Callable<T> task) {
		RouteScope scope = PeerRouting.current();
		if (scope != null) {
			request.setAttribute(SCOPE_ATTRIBUTE, scope, RequestAttributes.SCOPE_REQUEST);
		}
	}

	@Override
	public <T> void preProcess(NativeWebRequest request, Callable<T> task) {
		// an executor's thread: whatever an earlier task left is not this request's
		PeerRouting.clear();
		if (request.getAttribute(SCOPE_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) instanceof RouteScope scope) {
			PeerRouting.continueOn(scope);
		}
	}

	@Override
	public <T> void postProcess(NativeWebRequest request, Callable<T> task, Object concurrentResult) {
		PeerRouting.clear();
	}

}
