package io.livehub.problems;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The error page of the container (WEB-INF/web.xml): errors that never reach a resource, such
 * as a refused token, answer problem+json like every other error, not an HTML page.
 */
@WebServlet("/problem")
public class ProblemServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : 500;
        String detail = switch (status) {
            case 401 -> "send a valid token as 'Authorization: Bearer <JWT>'";
            case 403 -> "not allowed";
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            default -> "the request failed";
        };
        String title = switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            default -> "Error";
        };
        response.setStatus(status);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setContentType(Problem.JSON.toString());
        response.getWriter().write((String) Problem.response(status, title, detail).getEntity());
    }
}
